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
    return [m for m in world.slack.dm(user) if "督查通知单" not in m.all_text()]


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
