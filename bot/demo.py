"""``duban demo``: the real bot, a local emulated workspace, and a console or a browser page to act in it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from bot import logs
from bot.app import Runtime, build_runtime
from bot.domain.clock import ManualClock
from bot.domain.items import Role
from bot.domain.people import Department
from bot.emulator.driver import SlackEmulator
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL, DEMO_DEPARTMENTS, DEMO_USERS, SeedUser
from bot.settings import Settings

DEMO_TOKEN = "xoxb-duban-demo"
DEMO_SECRET = "duban-demo-signing-secret"
DEMO_DATABASE = "duban-demo.db"


def demo_roles(users: tuple[SeedUser, ...] = DEMO_USERS) -> dict[Role, tuple[str, ...]]:
    roles: dict[Role, list[str]] = {Role.LEADER: [], Role.SUPERVISOR: [], Role.ADMIN: []}
    for user in users:
        if user.deleted:
            continue
        for role in user.roles:
            roles[Role(role)].append(user.user_id)
    return {role: tuple(ids) for role, ids in roles.items()}


def demo_departments(users: tuple[SeedUser, ...] = DEMO_USERS) -> list[tuple[Department, list[str]]]:
    result = []
    for dept in DEMO_DEPARTMENTS:
        members = [u.user_id for u in users if u.department == dept.code and not u.deleted]
        head = next((u.user_id for u in users if u.department == dept.code and u.is_head), None)
        result.append((Department(None, dept.code, dept.name_zh, dept.name_en, head), members))
    return result


async def seed_demo_organisation(runtime: Runtime) -> None:
    # With DUBAN_ORG_FILE the file is the organisation (applied at start); otherwise the demo's own.
    departments = [] if runtime.settings.org_file else demo_departments()
    await runtime.services.people.seed(demo_roles(), departments)


def demo_settings(settings: Settings, api_url: str, *, keep: bool) -> Settings:
    database_url = settings.database_url
    if not os.environ.get("DATABASE_URL"):
        database_url = f"sqlite+aiosqlite:///{DEMO_DATABASE}"
        if not keep:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(DEMO_DATABASE + suffix).unlink(missing_ok=True)
    roles = demo_roles()
    return replace(
        settings,
        bot_token=DEMO_TOKEN,
        signing_secret=DEMO_SECRET,
        api_url=api_url,
        database_url=database_url,
        leaders=roles[Role.LEADER],
        supervisors=roles[Role.SUPERVISOR],
        admins=roles[Role.ADMIN],
        bulletin_channel=DEMO_BULLETIN_CHANNEL,
    )


async def _script_lines(lines: list[str]) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def run_demo(
    settings: Settings,
    *,
    keep: bool = False,
    script_lines: list[str] | None = None,
    web: bool = False,
    port: int = 0,
) -> None:
    from bot.emulator.console import DemoConsole

    emulator = SlackEmulator(signing_secret=DEMO_SECRET, bot_token=DEMO_TOKEN, users=DEMO_USERS)
    await emulator.start(host="127.0.0.1", port=0)
    clock = ManualClock(follow_system=True)
    logs.stamp_with(clock.now, settings.timezone)  # log lines in step with the demo clock, not the machine's
    runtime = await build_runtime(demo_settings(settings, emulator.api_url, keep=keep), clock=clock)
    try:
        bot_port = await runtime.serve_http("127.0.0.1", 0)
        emulator.app_url = f"http://127.0.0.1:{bot_port}/slack/events"
        await seed_demo_organisation(runtime)
        if web:
            await _serve_web(emulator, runtime, clock, port)
            return
        console = DemoConsole(emulator, clock=clock, after_step=runtime.tick, tz=settings.timezone)
        await console.run(_script_lines(script_lines) if script_lines is not None else None)
    finally:
        logs.stamp_with(None)
        await runtime.close()
        await emulator.stop()


async def _serve_web(emulator: SlackEmulator, runtime: Runtime, clock: ManualClock, port: int) -> None:
    """The browser workspace until Ctrl-C: the page drives the emulator, a beat drives the outbox."""
    import asyncio

    from bot.emulator.web.server import WebWorkspace
    from storage.outbox import pending_count

    page = WebWorkspace(
        emulator,
        clock=clock,
        tick=runtime.tick,
        deliver=runtime.after_request,
        pending=lambda: pending_count(runtime.sessions),
        tz=runtime.settings.timezone,
        work_start=runtime.settings.work_start,
    )
    url = await page.start("127.0.0.1", port)
    print(f"Duban demo workspace: open {url} in your browser (Ctrl-C to stop)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await page.stop()
