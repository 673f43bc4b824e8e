"""The database goes away under a running bot: a user action in flight leaves nothing half-written and the
user is told in their language; /healthz says 503 while it is gone and 200 after; the scheduler resumes by
itself. PostgreSQL through a proxy that drops every connection; SQLite by taking its file away."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import build_runtime
from bot.demo import seed_demo_organisation
from bot.domain.clock import ManualClock
from bot.emulator.driver import SlackEmulator
from storage.models import ItemEventRow, ItemRow, NumberCounterRow, OutboxRow
from storage.outbox import pending_count
from tests.e2e.conftest import SECRET, START, TOKEN, World, e2e_settings
from tests.faults.checks import nothing_lost
from tests.faults.dbswitch import DatabaseSwitch


@pytest.fixture
async def down_world(db_url: str) -> AsyncIterator[tuple[World, DatabaseSwitch]]:
    switch, bot_url = await DatabaseSwitch.around(db_url)
    slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
    await slack.start()
    clock = ManualClock(START)
    runtime = await build_runtime(e2e_settings(bot_url, slack.api_url), clock=clock, migrate=False)
    switch.engine = runtime.engine
    try:
        port = await runtime.serve_http("127.0.0.1", 0)
        slack.app_url = f"http://127.0.0.1:{port}/slack/events"
        await seed_demo_organisation(runtime)
        yield World(slack, runtime, clock), switch
    finally:
        await runtime.close()
        await slack.stop()
        if switch.proxy is not None:
            await switch.proxy.close()


async def _health(world: World) -> tuple[int, dict[str, object]]:
    url = world.slack.app_url.replace("/slack/events", "/healthz")
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.json()


async def _count(world: World, row: type) -> int:
    return int(await world.scalar(select(func.count()).select_from(row)))


async def test_a_connection_lost_mid_action_writes_nothing_and_the_user_is_told(
    down_world: tuple[World, DatabaseSwitch],
) -> None:
    world, switch = down_world
    # The item row is already written in the transaction when the connection goes.
    switch.cut_at(world.runtime.engine, "INSERT INTO item_events")
    reply = await world.slack.slash("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案 截止 12月15日")
    assert reply.status == 200
    assert "暂时无法连接数据库" in reply.text and "没有保存" in reply.text
    if switch.proxy is not None:
        assert (await _health(world))[0] == 503
        await switch.up()
    assert (await _health(world)) == (200, {"ok": True})
    for row in (ItemRow, ItemEventRow, OutboxRow):
        assert await _count(world, row) == 0, row.__tablename__
    # The same command again: the item gets the first number (the counter was rolled back too).
    again = await world.command("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案 截止 12月15日")
    assert "DB-2026-0001" in again.text
    assert await world.events("DB-2026-0001") == ["registered", "issued", "notice_sent"]
    assert await _count(world, NumberCounterRow) == 1
    assert len(world.slack.dm("U0HEADA")) == 1
    await nothing_lost(world)


async def test_healthz_is_503_while_the_database_is_gone_and_the_scheduler_resumes_by_itself(
    down_world: tuple[World, DatabaseSwitch],
) -> None:
    world, switch = down_world
    assert await _health(world) == (200, {"ok": True})
    await world.slack.slash("U0LEADER", "assign <@U0HEADA> Flood plan due 12-10")  # queued, not delivered
    await switch.down()
    world.runtime.start_scheduler()  # the outbox job every second, the sweep now
    assert await _health(world) == (503, {"ok": False, "database": "unreachable"})
    await asyncio.sleep(2.5)  # a few scheduled rounds fail meanwhile
    assert world.slack.dm("U0HEADA") == []
    refused = await world.slack.slash("U0SUPER2", "assign <@U0HEADB> Budget due 12-11")
    assert "cannot reach its database" in refused.text  # in the user's language (en) when the file says so
    await switch.up()
    assert await _health(world) == (200, {"ok": True})
    for _ in range(50):  # nobody calls the dispatcher: the scheduler does, by itself
        # Settled: in Slack and recorded (the DM shows a moment before the dispatcher marks its row sent).
        if world.slack.dm("U0HEADA") and await pending_count(world.runtime.sessions) == 0:
            break
        await asyncio.sleep(0.1)
    assert len(world.slack.dm("U0HEADA")) == 1
    assert await _count(world, ItemRow) == 1
    await nothing_lost(world)
