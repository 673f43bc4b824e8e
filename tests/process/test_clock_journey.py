"""`duban serve` on the real clock at night, and deadlines in the coming year, from configuration alone.

The process cannot be given a fake clock, so "night" is made real: the organisation's time zone
(DUBAN_TIMEZONE) is chosen so that it is between 01:00 and 04:59 there right now. An overdue item is
then due an urging on every sweep; nothing may be sent until working hours, and the next urging is
stored at a working hour of a working day (the database holds the schedule). Deadlines in the coming
year are accepted on today's real date, with the provisional-calendar note where the State Council's
schedule is not recorded yet.
"""

from __future__ import annotations

import asyncio
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator.driver import SlackEmulator

from .conftest import LEADER, WAIT, Service
from .test_journey import command
from .test_org import age_item

OWNER = "U0HEADA"


def night_zone(now: datetime) -> ZoneInfo:
    """A fixed-offset zone where the local time is 03:xx now (Etc/GMT signs are inverted)."""
    offset = (3 - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset  # valid offsets run from -12 to +14
    return ZoneInfo("Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}")


async def next_urge_at(db_url: str, number: str) -> datetime | None:
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            value = (
                await conn.execute(
                    text("SELECT next_urge_at FROM items WHERE year = :y AND seq = :s"),
                    {"y": int(number[3:7]), "s": int(number[8:])},
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def test_night_zone_is_night() -> None:
    for hour in range(24):
        now = datetime(2026, 12, 5, hour, 30, tzinfo=UTC)
        assert now.astimezone(night_zone(now)).hour == 3


async def test_nothing_is_urged_at_night_and_the_next_urging_waits_for_working_hours(
    emulator: SlackEmulator, empty_db_url: str, tmp_path: object
) -> None:
    slack = emulator
    zone = night_zone(datetime.now(UTC))
    service = Service("serve", emulator, empty_db_url, tmp_path)  # type: ignore[arg-type]
    service.env.update(DUBAN_TIMEZONE=zone.key, DUBAN_SWEEP_SECONDS="1")
    try:
        await service.start()
        local_today = datetime.now(zone).date()
        due = (local_today + timedelta(days=10)).isoformat()
        answer = await command(slack, LEADER, f"assign <@{OWNER}> 夜间测试事项 due {due}")
        [number] = re.findall(r"DB-\d{4}-\d{4}", answer)[:1]
        await slack.wait_for(lambda: slack.dm(OWNER), max_wait=WAIT)  # the notice itself goes at once

        await age_item(service.db_url, number)  # overdue by a month, an urging due right now
        aged = await next_urge_at(service.db_url, number)
        before = len(slack.dm(OWNER))
        deadline = time.monotonic() + WAIT
        while (planned := await next_urge_at(service.db_url, number)) == aged:
            assert time.monotonic() < deadline, "no sweep looked at the due item"
            await asyncio.sleep(0.2)
        assert await slack.settle(quiet=3.0, max_wait=WAIT)  # and a few more sweeps at night
        assert len(slack.dm(OWNER)) == before, "an urging went out at 03:00"
        assert planned is not None, "the urging was dropped instead of deferred"
        assert await next_urge_at(service.db_url, number) == planned  # decided once, not re-planned
        local = planned.astimezone(zone)
        assert local > datetime.now(zone) and 9 <= local.hour < 18, local
        assert local.date() > local_today or local.hour >= 9
        assert await service.stop(signal.SIGTERM) == 0, service.output()
    finally:
        await service.cleanup()
        print(service.output())


async def test_deadlines_in_the_coming_year_are_accepted_on_todays_date(
    service: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    await service.start()
    next_year = datetime.now(ZoneInfo("Asia/Shanghai")).year + 1
    for due in (f"{next_year}-03-15", f"{next_year}-10-01"):  # a weekday, and National Day
        answer = await command(slack, LEADER, f"assign <@{OWNER}> 明年事项 due {due}")
        assert re.search(r"DB-\d{4}-\d{4}", answer), answer
        assert "不能" not in answer and "无法" not in answer, answer
    assert "国庆" in answer or "休息日" in answer, answer  # a holiday deadline is flagged, not refused
    listing = await command(slack, LEADER, "list")
    assert "明年事项" in listing
    assert await service.stop(signal.SIGTERM) == 0, service.output()
