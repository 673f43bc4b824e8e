"""The whole bot on a real database, talking to the Slack emulator over loopback HTTP.

Nothing of ours is faked: signed requests go in through aiohttp + bolt, Web API calls come out of
slack_sdk into the emulator, and assertions read the emulator's workspace and the database rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import Runtime, build_runtime
from bot.demo import demo_roles, seed_demo_organisation
from bot.domain.clock import ManualClock
from bot.domain.items import Role
from bot.emulator.driver import SlackEmulator
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from bot.emulator.transport import Reply
from bot.settings import Settings
from storage.models import ItemEventRow, ItemRow, OutboxRow

SECRET = "e2e-signing-secret"
TOKEN = "xoxb-e2e-token"
# Thursday 26 November 2026, 10:00 in Shanghai.
START = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@dataclass
class World:
    slack: SlackEmulator
    runtime: Runtime
    clock: ManualClock

    async def command(self, user_id: str, text: str) -> Reply:
        """Type ``/duban <text>`` as a user, then let the outbox deliver what it caused."""
        reply = await self.slack.slash(user_id, text)
        await self.deliver()
        return reply

    async def deliver(self, max_seconds: int = 30) -> None:
        """Drain the outbox; the dispatcher paces one message per second per channel on the (fake)
        clock, so let a few seconds pass while anything is still waiting."""
        from storage.outbox import pending_count

        for _ in range(max_seconds):
            await self.runtime.after_request()
            if await pending_count(self.runtime.sessions) == 0:
                return
            self.clock.advance(timedelta(seconds=1))

    async def click(self, user_id: str, message: Any, action_id: str) -> Reply:
        reply = await self.slack.click(user_id, message, action_id)
        await self.slack.settle()
        await self.deliver()
        return reply

    async def scalar(self, statement: Any) -> Any:
        async with self.runtime.sessions() as session:
            return await session.scalar(statement)

    async def rows(self, statement: Any) -> list[Any]:
        async with self.runtime.sessions() as session:
            return list(await session.scalars(statement))

    async def item_count(self) -> int:
        return int(await self.scalar(select(func.count()).select_from(ItemRow)))

    async def item(self, number: str) -> ItemRow:
        row = await self.scalar(select(ItemRow).where(ItemRow.number == number))
        assert row is not None, number
        return row

    async def events(self, number: str) -> list[str]:
        item = await self.item(number)
        rows = await self.rows(
            select(ItemEventRow).where(ItemEventRow.item_id == item.id).order_by(ItemEventRow.seq)
        )
        return [r.kind for r in rows]

    async def outbox(self) -> list[OutboxRow]:
        return await self.rows(select(OutboxRow).order_by(OutboxRow.id))

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))

    async def tick(self) -> None:
        """One scheduler beat at the current (fake) time: sweep what is due, deliver it."""
        await self.runtime.tick()

    async def run_until(
        self, predicate: Any, *, step: timedelta = timedelta(hours=1), limit: int = 24 * 60
    ) -> None:
        """Advance the clock step by step, ticking each time, until ``predicate()`` is true."""
        for _ in range(limit):
            if predicate():
                return
            self.clock.advance(step)
            await self.tick()
            await self.deliver()
        raise AssertionError(f"still not true after {limit} steps; now {self.clock.now()}")

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(ZoneInfo("Asia/Shanghai"))


def e2e_settings(db_url: str, api_url: str) -> Settings:
    roles = demo_roles()
    return Settings(
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=api_url,
        database_url=db_url,
        leaders=roles[Role.LEADER],
        supervisors=roles[Role.SUPERVISOR],
        admins=roles[Role.ADMIN],
        bulletin_channel=DEMO_BULLETIN_CHANNEL,
    )


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
    await slack.start()
    clock = ManualClock(START)
    runtime = await build_runtime(e2e_settings(db_url, slack.api_url), clock=clock, migrate=False)
    try:
        port = await runtime.serve_http("127.0.0.1", 0)
        slack.app_url = f"http://127.0.0.1:{port}/slack/events"
        await seed_demo_organisation(runtime)
        yield World(slack, runtime, clock)
        # Slack would have refused these payloads; a test provoking one on purpose takes it first.
        refused = slack.take_refusals()
        assert not refused, "Slack would refuse:\n" + "\n".join(str(r) for r in refused)
    finally:
        await runtime.close()
        await slack.stop()
