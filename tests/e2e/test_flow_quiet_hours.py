"""Issue 12 §5: per-person quiet hours — urgings wait until the window ends, stored in the database,
never lost or sent twice (also across a restart), on this year's and the coming year's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.clock import ManualClock
from bot.emulator.blocks import text_of_blocks
from storage.models import OutboxRow, UrgeRecordRow, UserRow
from tests.e2e.conftest import World

SH = ZoneInfo("Asia/Shanghai")


def checkins(world: World, user: str) -> list:  # type: ignore[type-arg]
    notices = ("督查通知单", "Supervision notice")
    return [m for m in world.slack.dm(user) if not any(n in m.all_text() for n in notices)]


async def test_a_checkin_inside_someones_quiet_hours_waits_until_they_end(world: World) -> None:
    reply = await world.command("U0HEADA", "设置 免打扰 08:00-11:00")
    assert "08:00-11:00" in reply.text
    user = await world.scalar(select(UserRow).where(UserRow.user_id == "U0HEADA"))
    assert user.quiet_hours == "08:00-11:00"
    assert "08:00-11:00" in (await world.command("U0HEADA", "settings")).text
    # Thursday 26 November 10:00: a daily check-in, first due Friday 09:00.
    await world.command("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案 截止 2026-12-15 每天")
    world.advance(hours=23)  # Friday 09:00
    await world.tick()
    await world.deliver()
    [record] = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.rung == "checkin"))
    assert record.sent_at.astimezone(SH) == datetime(2026, 11, 27, 11, 0, tzinfo=SH)  # stored, moved
    assert checkins(world, "U0HEADA") == []
    world.advance(hours=1, minutes=59)  # 10:59
    await world.tick()
    await world.deliver()
    assert checkins(world, "U0HEADA") == []
    world.advance(minutes=1)  # 11:00: the end of the window
    await world.tick()
    await world.deliver()
    assert len(checkins(world, "U0HEADA")) == 1
    world.advance(minutes=30)
    await world.tick()
    await world.deliver()
    assert len(checkins(world, "U0HEADA")) == 1  # once
    rows = await world.rows(select(OutboxRow).where(OutboxRow.recipient_id == "U0HEADA"))
    assert all(r.status == "sent" for r in rows)


async def test_someone_without_quiet_hours_is_urged_on_time_and_off_clears_them(world: World) -> None:
    await world.command("U0HEADA", "settings quiet 08:00-11:00")
    await world.command("U0HEADA", "settings quiet off")
    assert (await world.scalar(select(UserRow).where(UserRow.user_id == "U0HEADA"))).quiet_hours is None
    await world.command("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案 截止 2026-12-15 每天")
    world.advance(hours=23)
    await world.tick()
    await world.deliver()
    assert len(checkins(world, "U0HEADA")) == 1
    refused = await world.command("U0HEADA", "settings quiet tonight")
    assert refused.text.startswith(":warning:")


async def test_quiet_hours_in_the_coming_year(world: World) -> None:
    """A check-in due on the morning of Monday 4 January 2027 (the first working day of 2027)."""
    assert isinstance(world.clock, ManualClock)
    world.clock.set(datetime(2026, 12, 31, 2, 0, tzinfo=UTC))  # Thursday 31 December, 10:00
    await world.command("U0HEADA", "设置 免打扰 21:00-10:30")
    await world.command("U0LEADER", "交办 <@U0HEADA> 年度总结 截止 2027-01-29 每天")
    await world.run_until(lambda: bool(checkins(world, "U0HEADA")), step=timedelta(minutes=30))
    local = world.local_now()
    assert local.date().isoformat() == "2027-01-04" and (local.hour, local.minute) >= (10, 30)
    [record] = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.rung == "checkin"))
    assert record.sent_at.astimezone(SH) == datetime(2027, 1, 4, 10, 30, tzinfo=SH)


async def test_app_home_shows_ones_own_quiet_hours_in_ones_language(world: World) -> None:
    assert "未设置免打扰时段" in await _home("U0HEADA", world)
    await world.command("U0HEADA", "设置 免打扰 22:00-08:00")
    assert "免打扰时段 22:00-08:00" in await _home("U0HEADA", world)
    await world.command("U0DEPUTY", "settings quiet 21:30-07:30")  # an English speaker
    assert "Quiet hours 21:30-07:30" in await _home("U0DEPUTY", world)


async def _home(user_id: str, world: World) -> str:
    await world.slack.open_home(user_id)
    await world.slack.settle()
    view = world.slack.home(user_id)
    assert view is not None
    return text_of_blocks(view.blocks)


NY = ZoneInfo("America/New_York")


async def test_by_default_nobody_is_urged_in_their_own_night(world: World) -> None:
    """Mark (U0STAFFB2, New York) set no quiet hours: a check-in due when it is 21:30 for him waits until
    his 08:00; the Shanghai head gets his at once; an urgent item does not wait."""
    await world.command("U0LEADER", "交办 <@U0STAFFB2> 修订防汛应急预案 截止 2026-12-15 每天")
    await world.command("U0LEADER", "交办 <@U0HEADA> 编制年度计划 截止 2026-12-15 每天")
    await world.command("U0LEADER", "交办 <@U0STAFFB2> 抢修供水管网 截止 2026-12-15 每天 紧急")
    world.advance(hours=24, minutes=30)  # Friday 27 November 10:30 Shanghai = Thursday 21:30 New York
    await world.tick()
    await world.deliver()
    assert len(checkins(world, "U0HEADA")) == 1  # 10:30 in Shanghai: the working morning
    mark = checkins(world, "U0STAFFB2")
    assert len(mark) == 1 and "DB-2026-0003" in mark[0].all_text()  # the urgent one
    waiting = await world.rows(
        select(UrgeRecordRow).where(
            UrgeRecordRow.recipient_id == "U0STAFFB2", UrgeRecordRow.rung == "checkin"
        )
    )
    moved = [r for r in waiting if r.sent_at.astimezone(UTC) > world.clock.now()]
    assert [r.sent_at.astimezone(NY) for r in moved] == [datetime(2026, 11, 27, 8, 0, tzinfo=NY)]
    world.advance(hours=10, minutes=28)  # ~20:58 Shanghai = 07:58 New York (deliver() lets seconds pass)
    await world.tick()
    await world.deliver()
    assert world.clock.now().astimezone(NY).hour == 7
    assert first_item(world) == []
    world.advance(minutes=2)  # 08:00 in New York
    await world.tick()
    await world.deliver()
    assert len(first_item(world)) == 1
    world.advance(minutes=30)
    await world.tick()
    await world.deliver()
    assert len(first_item(world)) == 1  # once


def first_item(world: World) -> list:  # type: ignore[type-arg]
    """Mark's check-ins about DB-2026-0001."""
    return [
        m for m in checkins(world, "U0STAFFB2") if "Reminder (message urging) · DB-2026-0001" in m.all_text()
    ]
