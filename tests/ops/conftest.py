"""Operating Duban as an operator does: ``duban`` subprocesses configured by environment variables only,
started in an empty working directory, against the Slack emulator listening on a real port.

Nothing of the product is imported here except the emulator (run in the test process).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from bot.emulator.driver import SlackEmulator

SECRET = "0123456789abcdef0123456789abcdef"  # the shape of a real signing secret
TOKEN = "xoxb-ops-test-token"
METRICS_TOKEN = "ops-metrics-token-123"
START_TIMEOUT = 90.0  # generous: the machine is shared; nothing here measures speed


@dataclass
class Finished:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.strip()]


@pytest.fixture
async def slack() -> AsyncIterator[SlackEmulator]:
    emulator = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
    await emulator.start("127.0.0.1", 0)
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory (no .env) for the subprocess."""
    path = tmp_path / "run"
    path.mkdir()
    return path


def operator_env(slack: SlackEmulator, database_url: str, **overrides: str | None) -> dict[str, str]:
    """What an operator's .env would hold, as plain environment variables (None removes one)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DUBAN_DOTENV": "0",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
        "DUBAN_BULLETIN_CHANNEL": "C0BULLETIN",
        "DUBAN_LEADERS": "U0LEADER",
        "DUBAN_SUPERVISORS": "U0SUPER",
        "DUBAN_ADMINS": "U0SUPER",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


async def run_duban(*args: str, env: Mapping[str, str], cwd: Path) -> Finished:
    """Run ``duban ARGS`` to completion; the emulator keeps serving on this loop meanwhile."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=dict(env),
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), START_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return Finished(proc.returncode, out.decode(), err.decode())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``duban serve``; ``stop()`` sends SIGTERM and returns what it printed."""

    proc: asyncio.subprocess.Process
    port: int
    stderr: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), START_TIMEOUT)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._reader is not None:
            await self._reader
        return int(self.proc.returncode or 0)


async def start_serve(env: Mapping[str, str], cwd: Path, command: str = "serve") -> Server:
    """Start ``duban serve`` on a free port and wait until /healthz answers."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        command,
        env={**env, "PORT": str(port)},
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    server = Server(proc, port)

    async def read_stderr() -> None:
        assert proc.stderr is not None
        async for raw in proc.stderr:
            server.stderr.append(raw.decode().rstrip("\n"))

    server._reader = asyncio.create_task(read_stderr())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    async with aiohttp.ClientSession() as http:
        while loop.time() < deadline:
            if proc.returncode is not None:
                await server.stop()
                raise AssertionError(f"duban {command} exited early:\n" + "\n".join(server.stderr))
            try:
                async with http.get(f"{server.url}/healthz") as resp:
                    if resp.status == 200:
                        return server
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    await server.stop()
    raise AssertionError(f"duban {command} did not answer /healthz:\n" + "\n".join(server.stderr))


@pytest.fixture
def migrated_sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated SQLite database (a copy of the session's template)."""
    import shutil

    path = tmp_path / "duban.db"
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
    return f"sqlite+aiosqlite:///{path}"
