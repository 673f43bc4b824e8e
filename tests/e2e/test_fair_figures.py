"""Figures that judge units fairly (issue 12 §2), through the bot: bulletins and App Home."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from bot.emulator.blocks import text_of_blocks
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from storage.models import ItemRow, UrgeRecordRow
from tests.e2e.conftest import World


async def _set(world: World, number: str, **values: object) -> None:
    async with world.runtime.sessions.begin() as session:
        await session.execute(update(ItemRow).where(ItemRow.number == number).values(**values))


async def _notice(world: World, number: str, key: str, sent_at: datetime | None) -> None:
    item = await world.item(number)
    async with world.runtime.sessions.begin() as session:
        session.add(
            UrgeRecordRow(
                item_id=item.id,
                rung="notice",
                round=1,
                idem_key=key,
                sent_at=sent_at,
                recipient_id="U0HEADA",
                created_at=world.clock.now(),
            )
        )


def _bulletin_text(world: World) -> str:
    posted = [m for m in world.slack.channel_messages(DEMO_BULLETIN_CHANNEL) if not m.files]
    assert posted, "no bulletin"
    return posted[-1].all_text().split("指标说明")[0]  # the figures, without the footer of formulas


async def test_weekly_bulletin_counts_issued_items_as_they_stood_at_its_cut_off(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 整治背街小巷 截止 11月26日")  # 0001: notice on Monday
    await world.command("U0LEADER", "交办 <@U0HEADA> 清理占道经营 截止 11月26日")  # 0002: awaiting approval
    await world.command("U0LEADER", "交办 <@U0HEADA> 更新消防器材 截止 11月26日")  # 0003: notice only queued
    await _set(world, "DB-2026-0002", state="pending_approval")
    await _notice(world, "DB-2026-0002", "fair-2", world.clock.now())
    await _notice(world, "DB-2026-0003", "fair-3", None)  # planned, never sent
    world.advance(days=4, hours=1)  # Monday 30 November, 11:00
    await _notice(world, "DB-2026-0001", "fair-1", world.clock.now() - timedelta(hours=1))  # 10:00 today

    await world.runtime.services.publications.sweep()
    await world.deliver()
    text = _bulletin_text(world)
    assert "2026年第48周" in text
    assert "DB-2026-0001" in text and "DB-2026-0003" in text
    assert "书面催办通知未回复" not in text  # Monday's notice belongs to this week, 0003's was never sent
    assert "DB-2026-0002" not in text and "清理占道经营" not in text  # not issued: not the unit's record


async def test_preview_on_the_deadline_day_does_not_fail_the_item(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案 截止 11月26日")  # due today
    reply = await world.command("U0SUPER", "通报 周")
    assert reply.message is not None
    text = reply.message.all_text()
    assert "应办结 0 件" in text and "按时办结率 —" in text, text
    assert "0.0%" not in text and "100.0%" not in text


async def test_home_shows_how_a_completed_item_finished(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADB> Finished work due 11-26")
    await world.command("U0LEADER", "assign <@U0HEADB> Late work due 11-26")
    await _set(world, "DB-2026-0001", state="completed", completed_at=world.clock.now())
    await _set(world, "DB-2026-0002", state="completed", completed_at=world.clock.now() + timedelta(days=1))
    world.advance(days=2)  # Saturday: both are past their deadline
    await world.slack.open_home("U0DEPUTY")  # an English-speaking leader
    await world.slack.settle()
    view = world.slack.home("U0DEPUTY")
    assert view is not None
    text = text_of_blocks(view.blocks)
    done = text[text.index("Recently completed") :]
    assert "completed on time" in done and "completed 1 day late" in done
    assert "overdue" not in done
