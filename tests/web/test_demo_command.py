"""`duban demo --web` as `make demo` runs it: it prints its URL, serves the page, stops on Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]


async def test_the_demo_command_serves_the_page_on_loopback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PORT")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "demo",
        "--web",
        "--port",
        "0",
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        async with aiohttp.ClientSession() as http:
            async with http.get(found.group(0)) as response:
                assert response.status == 200 and '<script src="/static/app.js">' in await response.text()
            async with http.get(found.group(0) + "static/app.js") as response:
                assert response.status == 200 and "EventSource" in await response.text()
            async with http.get(found.group(0) + "api/ui", params={"user": "U0SUPER"}) as response:
                shown = await response.json()
        assert "李娜" in shown["topbar"] and "duban-bulletin" in shown["sidebar"]
        assert "duban-demo.db" in os.listdir(tmp_path)  # SQLite in the working directory, no setup
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), timeout=30)
    assert code == 130, (await process.stderr.read()).decode()[-2000:] if process.stderr else code
