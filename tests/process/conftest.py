"""The black-box tier: `duban serve` / `duban socket` started as a subprocess, configured only by environment
variables, on an empty database, against the emulator listening on a real port in this process.

Nothing of the product is imported here except the emulator; the bot is reached only through Slack's
surfaces (signed HTTP, or Socket Mode envelopes) and answers only through the emulated Web API.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.emulator.driver import SlackEmulator

SECRET = "service-signing-secret"
BOT_TOKEN = "xoxb-service-token"
APP_TOKEN = "xapp-1-service-token"
LEADER, SUPERVISOR, ADMIN = "U0LEADER", "U0SUPER", "U0SUPER"
BULLETIN = "C0BULLETIN"
START_TIMEOUT = 60.0  # generous: a loaded machine, not a slow bot
STOP_TIMEOUT = 15.0
WAIT = 30.0  # upper bound for anything the bot does in answer (not a speed requirement)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """One `duban` process; `start()` again after `kill()`/`terminate()` restarts it on the same database."""

    def __init__(self, mode: str, emulator: SlackEmulator, db_url: str, workdir: Path) -> None:
        self.mode, self.emulator, self.db_url, self.workdir = mode, emulator, db_url, workdir
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None
        self.log = workdir / "duban.log"
        self.env: dict[str, str] = {
            # Only what an operator would set; cwd is a temp dir, so no repository .env is read.
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": db_url,
            "PORT": str(self.port),
            "DUBAN_LEADERS": LEADER,
            "DUBAN_SUPERVISORS": f"{SUPERVISOR},U0SUPER2",
            "DUBAN_ADMINS": ADMIN,
            "DUBAN_BULLETIN_CHANNEL": BULLETIN,
        }
        # Under libfaketime (`faketime -f +2h pytest tests/process`: the suite at another hour) the bot
        # must keep the test's clock, or the signatures of the requests would be hours old.
        # Nothing is passed otherwise: the bot still sees only what an operator would set.
        if "FAKETIME" in os.environ:
            faked = {k: v for k, v in os.environ.items() if k == "LD_PRELOAD" or k.startswith("FAKETIME")}
            self.env.update(faked)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        assert self.process is None or self.process.returncode is not None, "already running"
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                self.mode,
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        if self.mode == "serve":
            self.emulator.use_socket_mode(False)
            self.emulator.app_url = f"{self.url}/slack/events"
            await self._wait_healthy()
        else:
            self.emulator.use_socket_mode(True)
            await self._wait(self._socket_connected)

    async def _wait_healthy(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:

            async def healthy() -> bool:
                try:
                    async with http.get(f"{self.url}/healthz") as resp:
                        return resp.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    return False  # not up yet, or busy with its start-up sweep (matplotlib's first font scan)

            await self._wait(healthy)

    async def _socket_connected(self) -> bool:
        return bool(self.emulator.socket.live)

    async def _wait(self, ready: object) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.returncode is not None:
                raise AssertionError(
                    f"duban {self.mode} exited with {self.process.returncode}:\n{self.output()}"
                )
            if await ready():  # type: ignore[operator]
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"duban {self.mode} not ready within {START_TIMEOUT}s:\n{self.output()}")

    async def run_to_exit(self, **overrides: str) -> tuple[int, str]:
        """Start `duban <mode>` with ``overrides`` in its environment, expecting it to stop on its own (a
        refused start); its exit code and output."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            self.mode,
            cwd=self.workdir,
            env={**self.env, **overrides},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), WAIT)
        assert process.returncode is not None
        return process.returncode, output.decode("utf-8")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send `sig` and wait for the exit (a hang fails the test); returns the exit code."""
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            self.process.kill()
            raise AssertionError(
                f"duban {self.mode} still running {STOP_TIMEOUT}s after signal {sig}"
            ) from None
        if self.mode == "socket":  # the emulator notices the closed socket on its own
            await self.emulator.wait_for(lambda: not self.emulator.socket.live, max_wait=5)
        return self.process.returncode

    async def cleanup(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


@pytest.fixture
async def emulator() -> AsyncIterator[SlackEmulator]:
    # Speed is bench/'s business: on a loaded machine a trigger or an ack may take longer than Slack's 3 s.
    slack = SlackEmulator(
        signing_secret=SECRET,
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        trigger_ttl=WAIT,
        request_timeout=WAIT,
    )
    await slack.start()
    try:
        yield slack
        refused = slack.take_refusals()
        assert not refused, "Slack would refuse:\n" + "\n".join(str(r) for r in refused)
    finally:
        await slack.stop()


@pytest.fixture(params=["serve", "socket"])
async def service(
    request: pytest.FixtureRequest, emulator: SlackEmulator, empty_db_url: str, tmp_path: Path
) -> AsyncIterator[Service]:
    svc = Service(str(request.param), emulator, empty_db_url, tmp_path)
    try:
        yield svc
    finally:
        await svc.cleanup()
        print(svc.output())  # shown by pytest when the test failed
