"""A misconfigured ``duban`` stops with one clear line: run as a process (moved here from the unit tier,
which does no I/O)."""

import subprocess
import sys


def test_serve_without_credentials_stops_with_one_clear_line(tmp_path) -> None:
    env = {"PATH": "", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "duban: configuration error: SLACK_BOT_TOKEN is not set: copy .env.example to .env and fill it in"
    ]


def test_bad_port_stops_with_one_clear_line(tmp_path) -> None:
    env = {"PATH": "", "HOME": str(tmp_path), "PORT": "abc"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "PORT must be a whole number" in result.stderr and "Traceback" not in result.stderr
