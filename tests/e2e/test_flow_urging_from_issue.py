"""Issue 12 §2/§5: the urging ladder starts from issue (交办), not registration."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from messages.reports import PROPOSAL_APPROVE
from storage.models import UrgeRecordRow
from tests.e2e.conftest import World


def with_text(world: World, user: str, needle: str) -> list:  # type: ignore[type-arg]
    return [m for m in world.slack.dm(user) if needle in m.all_text()]


async def test_an_item_that_waited_for_approval_is_not_urged_for_the_wait(world: World) -> None:
    ctx = world.runtime.services.ctx
    ctx.settings = replace(ctx.settings, approval_sources=("meeting_decision",))
    # Thursday 26 November, 10:00: registered with a daily check-in, waiting for approval.
    await world.command("U0SUPER", "assign <@U0HEADA> 落实会议决定 due 12-15 source meeting every day")
    # Approved on Wednesday 2 December at 11:00: every check-in point before that was the wait.
    world.advance(days=6, hours=1)
    await world.tick()
    await world.deliver()
    [proposal] = [m for m in world.slack.dm("U0LEADER") if "拟办呈批" in m.all_text()][:1]
    await world.click("U0LEADER", proposal, PROPOSAL_APPROVE)
    assert (await world.item("DB-2026-0001")).state == "issued"
    for _ in range(3):  # the sweep runs a few times that day
        world.advance(hours=1)
        await world.tick()
        await world.deliver()
    sent = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.rung == "checkin"))
    assert sent == [], [(r.rung, r.scheduled_for) for r in sent]
    assert len(world.slack.dm("U0HEADA")) == 1  # the notice only
    # The next morning's check-in is the first one.
    world.advance(hours=19)
    await world.tick()
    await world.deliver()
    sent = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.rung == "checkin"))
    assert len(sent) == 1


async def test_the_progress_report_cadence_is_a_setting(world: World) -> None:
    from tests.e2e.test_follow_through import answer_notice

    ctx = world.runtime.services.ctx
    ctx.settings = replace(ctx.settings, progress_workdays=2)
    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知 · "))  # Wednesday 16 December
    await answer_notice(world, "U0STAFFA", "2027-01-29")
    await world.run_until(lambda: with_text(world, "U0STAFFA", "请续报进展"))
    assert world.local_now().date().isoformat() == "2026-12-18"  # two working days, not five
