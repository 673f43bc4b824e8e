"""The browser workspace in headless Chromium (Debian's package, driven by Playwright for Python).

Playwright never downloads a browser here: it launches /usr/bin/chromium, which `make test` installs
through scripts/ensure-chromium. Where that browser (or the playwright package) cannot be had, the tests
skip and say so; a browser that is there but fails to start is a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import Runtime, build_runtime
from bot.demo import seed_demo_organisation
from bot.domain.clock import ManualClock
from bot.emulator.driver import SlackEmulator
from bot.emulator.web.server import WebWorkspace
from storage.outbox import pending_count
from tests.e2e.conftest import SECRET, TOKEN, e2e_settings

CHROMIUM = shutil.which("chromium")  # Debian's package: /usr/bin/chromium
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Monday 23 November 2026, 10:00 in Shanghai; the clock then runs on in real time, as in the demo.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@dataclass
class Demo:
    url: str
    slack: SlackEmulator
    runtime: Runtime
    clock: ManualClock
    page: WebWorkspace


@pytest.fixture
async def demo(tmp_path: Path, _sqlite_template: Path) -> AsyncIterator[Demo]:
    """What `duban demo --web` runs, on a fresh SQLite copy of the migrated template."""
    database = tmp_path / "web.db"
    shutil.copyfile(_sqlite_template, database)
    slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
    await slack.start()
    clock = ManualClock(follow_system=True)
    clock.advance(START - clock.now())
    settings = e2e_settings(f"sqlite+aiosqlite:///{database}", slack.api_url)
    runtime = await build_runtime(settings, clock=clock, migrate=False)
    page_server = WebWorkspace(
        slack,
        clock=clock,
        tick=runtime.tick,
        deliver=runtime.after_request,
        pending=lambda: pending_count(runtime.sessions),
        beat_seconds=0.2,
        sweep_every=5,
    )
    try:
        port = await runtime.serve_http("127.0.0.1", 0)
        slack.app_url = f"http://127.0.0.1:{port}/slack/events"
        await seed_demo_organisation(runtime)
        url = await page_server.start()
        yield Demo(url, slack, runtime, clock, page_server)
    finally:
        await page_server.stop()
        await runtime.close()
        await slack.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    playwright_api = pytest.importorskip(
        "playwright.async_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed: run scripts/ensure-chromium as root")
    async with playwright_api.async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
async def page(browser: Any, artifacts: Path, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A fresh page (its own storage); when the test fails, what it showed is saved next to the artefacts."""
    opened = await browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        await opened.screenshot(path=str(artifacts / f"failed-{request.node.name}.png"))
    await opened.close()
    assert errors == [], f"the page's script failed: {errors}"
