"""Issue 12 §5: two-level 拟办呈批 — the unit's 分管领导 reviews, the principal leader decides;
reminders on the office's time limit go to whoever it waits for; a rejection says why."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from bot.emulator.state import Message
from messages.reports import PROPOSAL_APPROVE, PROPOSAL_REJECT
from storage.models import DepartmentRow
from tests.e2e.conftest import World
from tests.e2e.test_reports import dm_with, last_dm, open_form, submit


async def two_levels(world: World) -> None:
    ctx = world.runtime.services.ctx
    ctx.settings = replace(
        ctx.settings, approval_sources=("meeting_decision",), approval_levels=2, principal_leader="U0LEADER"
    )
    async with world.runtime.sessions() as session:  # 办公室's 分管领导 (the organisation file's leader)
        await session.execute(
            update(DepartmentRow).where(DepartmentRow.code == "office").values(leader_user_id="U0DEPUTY")
        )
        await session.commit()


def buttons(message: Message) -> list[str]:
    return [b.action_id for b in message.buttons()]


async def test_the_unit_leader_reviews_then_the_principal_decides(world: World) -> None:
    await two_levels(world)
    await world.command("U0SUPER", "assign <@U0HEADA> 落实会议决定 due 12-15 source meeting")
    item = await world.item("DB-2026-0001")
    assert item.state == "pending_approval"
    # Only the 分管领导 is asked first; the principal leader waits for the review.
    review = dm_with(world, "U0DEPUTY", PROPOSAL_APPROVE)
    assert world.slack.dm("U0LEADER") == []
    await world.slack.click("U0DEPUTY", review, PROPOSAL_APPROVE)
    await world.slack.click("U0DEPUTY", review, PROPOSAL_APPROVE)  # again, before the restamp reached them
    await world.slack.settle()
    await world.deliver()
    assert "principal" in world.slack.ephemerals("U0DEPUTY")[-1].all_text()  # it now waits for the principal
    assert (await world.item("DB-2026-0001")).state == "pending_approval"
    assert await world.events("DB-2026-0001") == ["registered", "state_changed", "proposal_reviewed"]
    assert buttons(world.slack.dm("U0DEPUTY")[0]) == []  # restamped: agreed, forwarded
    assert "审核同意" in last_dm(world, "U0SUPER").all_text()

    decision = dm_with(world, "U0LEADER", PROPOSAL_APPROVE)
    await world.click("U0LEADER", decision, PROPOSAL_APPROVE)
    item = await world.item("DB-2026-0001")
    assert (item.state, item.approver_id) == ("issued", "U0LEADER")
    assert "督查通知单 DB-2026-0001" in world.slack.dm("U0HEADA")[0].all_text()
    assert "批准了 *DB-2026-0001*" in last_dm(world, "U0SUPER").all_text()


async def test_a_rejection_at_either_level_needs_a_reason_shown_to_the_proposer(world: World) -> None:
    await two_levels(world)
    await world.command("U0SUPER", "assign <@U0HEADA> 第二项 due 12-16 source meeting")
    # The principal cannot act before the review; the 分管领导 rejects, with a reason.
    view = await open_form(world, "U0DEPUTY", dm_with(world, "U0DEPUTY", PROPOSAL_REJECT), PROPOSAL_REJECT)
    assert set(await submit(world, "U0DEPUTY", view, {"reason": " "})) == {"reason"}
    assert await submit(world, "U0DEPUTY", view, {"reason": "职责不在本单位"}) == {}
    assert (await world.item("DB-2026-0001")).state == "rejected"
    told = last_dm(world, "U0SUPER").all_text()
    assert "不同意" in told and "职责不在本单位" in told
    assert "职责不在本单位" in world.slack.dm("U0DEPUTY")[0].all_text()  # their copy says why
    assert world.slack.dm("U0HEADA") == [] and world.slack.dm("U0LEADER") == []
    card = (await world.command("U0SUPER", "show 1")).message
    assert card is not None and "职责不在本单位" in card.all_text()  # the dossier keeps the reason


async def test_the_reminder_goes_to_whoever_the_proposal_waits_for(world: World) -> None:
    await two_levels(world)
    await world.command("U0SUPER", "assign <@U0HEADA> 第三项 due 12-16 source meeting")

    def waiting(user: str) -> list[Message]:
        return [m for m in world.slack.dm(user) if "waited" in m.all_text() or "已等待" in m.all_text()]

    await world.run_until(lambda: bool(waiting("U0DEPUTY")))
    assert world.local_now().date().isoformat() == "2026-11-30"  # one working day (Friday) passed
    assert waiting("U0LEADER") == []  # not yet the principal's turn
    await world.click("U0DEPUTY", dm_with(world, "U0DEPUTY", PROPOSAL_APPROVE), PROPOSAL_APPROVE)
    # The principal's own limit runs from the review.
    await world.run_until(lambda: bool(waiting("U0LEADER")))
    assert world.local_now().date().isoformat() == "2026-12-02"
    assert len(waiting("U0DEPUTY")) == 1


async def test_two_level_approval_over_new_year_2027(world: World) -> None:
    """On the coming year's calendar: the review reminder waits out the holiday and the weekend."""
    from datetime import UTC, datetime

    world.clock.set(datetime(2026, 12, 31, 2, 0, tzinfo=UTC))  # Thursday 31 December, 10:00
    await two_levels(world)
    await world.command("U0SUPER", "assign <@U0HEADA> 年度总结 due 2027-01-29 source meeting")

    def waiting(user: str) -> list[Message]:
        return [m for m in world.slack.dm(user) if "waited" in m.all_text() or "已等待" in m.all_text()]

    await world.run_until(lambda: bool(waiting("U0DEPUTY")))
    assert world.local_now().date().isoformat() == "2027-01-05"  # 1 Jan off, weekend, Monday the one day
    await world.click("U0DEPUTY", dm_with(world, "U0DEPUTY", PROPOSAL_APPROVE), PROPOSAL_APPROVE)
    await world.click("U0LEADER", dm_with(world, "U0LEADER", PROPOSAL_APPROVE), PROPOSAL_APPROVE)
    item = await world.item("DB-2026-0001")
    assert item.state == "issued"
    # Registered 31 December, issued 5 January: the two working days it waited are given back.
    assert item.current_due.isoformat() == "2027-02-02"
