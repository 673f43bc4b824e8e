"""The night journey, as deployed: `duban serve` on today's real date and the real clock.

The process cannot be given a fake clock, so night is made real through configuration: the
organisation's time zone (DUBAN_TIMEZONE) is one where it is 03:xx now, and its working day
(DUBAN_WORK_HOURS) starts about a minute from now — "the morning". Today is made a working day by the
admin (调休, ``/duban holiday <date> work``), as an office would, so the journey works on any day.

1. An overdue item's urging is due at night: nothing goes out until the morning, then it does, once.
2. Mark (the workspace's New York colleague; his Slack timezone is set so that it is 23:xx for him)
   set no quiet hours: an urging due in the office's working hours waits until his 08:00 (stored in the
   database). With a window of his own ending about a minute from now, it goes out when that ends.
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

from .conftest import ADMIN, LEADER, WAIT, Service
from .test_journey import command
from .test_org import age_item

OWNER = "U0HEADA"
MARK = "U0STAFFB2"


def zone_at(now: datetime, hour: int) -> ZoneInfo:
    """A fixed-offset zone where the local time is ``hour``:xx now (Etc/GMT signs are inverted)."""
    offset = (hour - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset  # valid offsets run from -12 to +14
    return ZoneInfo("Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}")


def next_minute(zone: ZoneInfo, at_least: timedelta = timedelta(seconds=45)) -> datetime:
    """The first whole minute (work hours and quiet windows are HH:MM) at least ``at_least`` away:
    long enough to start the service and assign, short enough to keep the suite fast."""
    local = datetime.now(zone) + at_least
    return local.replace(second=0, microsecond=0) + timedelta(minutes=1)


async def urgings(db_url: str, user_id: str) -> list[tuple[str, datetime]]:
    """(status, due) of every urging outbox row for ``user_id``."""
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT status, next_attempt_at FROM outbox"
                        " WHERE recipient_id = :u AND purpose LIKE 'urge:%'"
                    ),
                    {"u": user_id},
                )
            ).all()
    finally:
        await engine.dispose()
    out = []
    for status, due in rows:
        due = datetime.fromisoformat(due) if isinstance(due, str) else due
        out.append((status, due if due.tzinfo else due.replace(tzinfo=UTC)))
    return out


def urge_dms(slack: SlackEmulator, user_id: str, number: str) -> list[str]:
    return [
        m.all_text()
        for m in slack.dm(user_id)
        if number in m.all_text() and not m.all_text().startswith(("督查通知单", "Supervision notice"))
    ]


async def start_at_night(
    service: Service, slack: SlackEmulator, zone: ZoneInfo, work_hours: str, *also: ZoneInfo
) -> None:
    """Start the service; the admin makes today a working day (in the office's zone and in ``also``)."""
    service.env.update(DUBAN_TIMEZONE=zone.key, DUBAN_SWEEP_SECONDS="1", DUBAN_WORK_HOURS=work_hours)
    await service.start()
    for day in sorted({datetime.now(z).date().isoformat() for z in (zone, *also)}):
        answer = await command(slack, ADMIN, f"holiday {day} work")
        assert ":warning:" not in answer, answer


async def assign_overdue(slack: SlackEmulator, service: Service, owner: str, zone: ZoneInfo) -> str:
    due = (datetime.now(zone).date() + timedelta(days=10)).isoformat()
    answer = await command(slack, LEADER, f"assign <@{owner}> 夜间测试事项 due {due}")
    [number] = re.findall(r"DB-\d{4}-\d{4}", answer)[:1]
    await slack.wait_for(lambda: slack.dm(owner), max_wait=WAIT)  # the notice itself goes at once
    await age_item(service.db_url, number)  # overdue by a month: an urging due right now
    return number


async def test_an_urging_due_at_night_waits_for_the_morning_and_then_goes_out(
    emulator: SlackEmulator, empty_db_url: str, tmp_path: object
) -> None:
    slack = emulator
    now = datetime.now(UTC)
    org = zone_at(now, 3)
    morning = next_minute(org)
    # The owner is somewhere it is day now (their own default night does not apply).
    slack.state.users[OWNER].tz = zone_at(now, 11).key
    service = Service("serve", emulator, empty_db_url, tmp_path)  # type: ignore[arg-type]
    try:
        await start_at_night(service, slack, org, f"{morning:%H:%M}-18:00")
        number = await assign_overdue(slack, service, OWNER, org)
        # Sweeps run every second at night: nothing goes out before the morning.
        while datetime.now(org) < morning - timedelta(seconds=5):
            assert urge_dms(slack, OWNER, number) == [], "an urging went out at night"
            await asyncio.sleep(1)
        await slack.wait_for(lambda: urge_dms(slack, OWNER, number), max_wait=WAIT + 10)
        assert datetime.now(org) >= morning
        await asyncio.sleep(3)
        assert len(urge_dms(slack, OWNER, number)) == 1  # once
        assert await service.stop(signal.SIGTERM) == 0, service.output()
    finally:
        await service.cleanup()


async def test_a_new_york_colleague_is_not_urged_in_his_night(
    emulator: SlackEmulator, empty_db_url: str, tmp_path: object
) -> None:
    slack = emulator
    now = datetime.now(UTC)
    org = zone_at(now, 11)  # the office's working morning
    his = zone_at(now, 23)  # Mark's night
    slack.state.users[MARK].tz = his.key
    service = Service("serve", emulator, empty_db_url, tmp_path)  # type: ignore[arg-type]
    try:
        await start_at_night(service, slack, org, "09:00-18:00", his)  # his local date too
        number = await assign_overdue(slack, service, MARK, org)
        deadline = time.monotonic() + WAIT
        while not (rows := await urgings(service.db_url, MARK)):
            assert time.monotonic() < deadline, "no urging was planned for Mark"
            await asyncio.sleep(0.5)
        await asyncio.sleep(3)
        assert urge_dms(slack, MARK, number) == [], "Mark was urged at 23:00 his time"
        [(status, due)] = rows
        local = due.astimezone(his)
        assert status == "pending" and (local.hour, local.minute) == (8, 0), (status, local)

        # A window of his own, ending about a minute from now, replaces the default: a new urging waits
        # until it ends and then goes out.
        end = next_minute(his)
        start = (end - timedelta(hours=3)).strftime("%H:%M")
        answer = await command(slack, MARK, f"settings quiet {start}-{end:%H:%M}")
        assert f"{start}-{end:%H:%M}" in answer, answer
        second = await assign_overdue(slack, service, MARK, org)
        while datetime.now(his) < end - timedelta(seconds=5):
            assert urge_dms(slack, MARK, second) == [], "urged inside his own quiet hours"
            await asyncio.sleep(1)
        await slack.wait_for(lambda: urge_dms(slack, MARK, second), max_wait=WAIT + 10)
        assert datetime.now(his) >= end
        assert urge_dms(slack, MARK, number) == []  # the first still waits for his 08:00
        assert await service.stop(signal.SIGTERM) == 0, service.output()
    finally:
        await service.cleanup()
