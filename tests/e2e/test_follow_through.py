"""一督到底 (issue 12 §3): nothing goes silent until the item is done — through the bot."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.emulator.blocks import text_of_blocks
from messages import urging as msg
from messages.notices import ACK
from storage.models import UrgeRecordRow
from tests.e2e.conftest import World


def with_text(world: World, user: str, needle: str) -> list:  # type: ignore[type-arg]
    return [m for m in world.slack.dm(user) if needle in m.all_text()]


async def records(world: World, rung: str) -> list[UrgeRecordRow]:
    return await world.rows(
        select(UrgeRecordRow).where(UrgeRecordRow.rung == rung).order_by(UrgeRecordRow.id)
    )


async def answer_notice(world: World, user: str, new_date: str) -> None:
    [notice] = with_text(world, user, "催办通知 · ")[:1]
    await world.click(user, notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view(user)
    assert view is not None
    await world.slack.submit(
        user, view, {"reason": "等待上级批复", "progress": "初稿已完成", "new_date": new_date}
    )
    await world.deliver()


async def test_an_undecided_extension_reminds_the_office_and_a_passed_promise_restarts_the_ladder(
    world: World,
) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知 · "))  # Wednesday 16 December
    await answer_notice(world, "U0STAFFA", "2026-12-18")

    # Nobody decides: the office hears of it once its one working day has gone by, once a day.
    await world.run_until(lambda: with_text(world, "U0SUPER", "延期申请待决定"))
    assert world.local_now().date().isoformat() == "2026-12-18"
    assert len(with_text(world, "U0SUPER", "延期申请待决定")) == 1

    # The promised Friday 18 December passes unkept: the written notice comes again on Monday.
    await world.run_until(lambda: len(with_text(world, "U0STAFFA", "催办通知 · ")) >= 2)
    assert world.local_now().date().isoformat() == "2026-12-21"
    # ... and, unanswered, escalates again: the ladder runs to its end.
    await world.run_until(lambda: with_text(world, "U0LEADER", "升级督办"))
    assert world.local_now().date().isoformat() == "2026-12-23"


async def test_after_a_delay_report_progress_reports_are_requested_until_done(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知 · "))  # Wednesday 16 December
    await answer_notice(world, "U0STAFFA", "2027-01-29")
    extension = with_text(world, "U0SUPER", "申请将")[-1]
    await world.click("U0SUPER", extension, msg.EXT_APPROVE)  # a long extension, approved

    await world.run_until(lambda: with_text(world, "U0STAFFA", "请续报进展"))
    assert world.local_now().date().isoformat() == "2026-12-23"  # five working days after the answer
    [request] = await records(world, "progress")
    assert request.recipient_id == "U0STAFFA" and request.answered_at is None
    # Into the coming year: still requested, every five working days, until the item is done.
    await world.run_until(lambda: len(with_text(world, "U0STAFFA", "请续报进展")) >= 3, limit=24 * 40)
    assert world.local_now().year == 2027


async def test_co_owners_and_fyi_recipients_who_never_acknowledge_are_chased(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> <@U0STAFFA> Flood plan due 2026-12-15")
    await world.command("U0SUPER", "assign <@U0HEADB> 传达全会精神 fyi")
    items = {r.recipient_id for r in await records(world, "ack")}
    assert items == set()

    await world.run_until(lambda: with_text(world, "U0STAFFA", "请签收"))
    assert world.local_now().date().isoformat() == "2026-11-27"  # the next working day
    assert with_text(world, "U0HEADB", "请签收") or with_text(world, "U0HEADB", "Please acknowledge")
    assert not with_text(world, "U0HEADA", "请签收")  # the lead owner is urged by the ladder

    # The office sees who has not answered.
    await world.slack.open_home("U0SUPER")
    await world.slack.settle()
    home = world.slack.home("U0SUPER")
    assert home is not None
    unanswered = text_of_blocks(home.blocks)
    assert "<@U0STAFFA>" in unanswered and "签收提醒" in unanswered

    # Acknowledging answers the reminder; nobody is chased for it again.
    [chase] = with_text(world, "U0STAFFA", "请签收")
    await world.click("U0STAFFA", chase, ACK)
    [record] = [r for r in await records(world, "ack") if r.recipient_id == "U0STAFFA"]
    assert record.answer == "acknowledged"
    world.advance(days=1)
    await world.tick()
    await world.deliver()
    assert len(with_text(world, "U0STAFFA", "请签收")) == 1


async def test_a_proposal_waiting_for_approval_reminds_the_leaders_and_its_deadline_runs_from_issue(
    world: World,
) -> None:
    ctx = world.runtime.services.ctx
    ctx.settings = replace(ctx.settings, approval_sources=("meeting_decision",))
    await world.command("U0SUPER", "assign <@U0HEADA> 落实会议决定 due 12-15 source meeting")
    await world.run_until(lambda: with_text(world, "U0LEADER", "拟办呈批待审批"))
    assert world.local_now().date().isoformat() == "2026-11-30"  # Monday: Friday was its one working day
    [reminder] = with_text(world, "U0LEADER", "拟办呈批待审批")
    assert "2 个工作日" in reminder.all_text()
    from messages.reports import PROPOSAL_APPROVE

    await world.click("U0LEADER", reminder, PROPOSAL_APPROVE)
    item = await world.item("DB-2026-0001")
    assert item.state == "issued"
    # Registered on Thursday 26 November, issued on Monday 30: two working days given back.
    assert (item.original_due.isoformat(), item.current_due.isoformat()) == ("2026-12-17", "2026-12-17")


async def test_escalations_are_settled_once_the_owner_answers(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    await world.run_until(lambda: with_text(world, "U0LEADER", "升级督办"))
    [escalation] = with_text(world, "U0LEADER", "升级督办")
    assert msg.URGE_AGAIN in [b.action_id for b in escalation.buttons()]

    async def office_home() -> str:
        await world.slack.open_home("U0SUPER")
        await world.slack.settle()
        home = world.slack.home("U0SUPER")
        assert home is not None
        text = text_of_blocks(home.blocks)
        return text[text.index("未回复的催办") : text.index("逾期事项")]

    assert "升级督办" in await office_home()
    await answer_notice(world, "U0STAFFA", "2026-12-31")

    settled = [m for m in world.slack.dm("U0LEADER") if "升级督办已了结" in m.all_text()]
    assert settled and msg.URGE_AGAIN not in [b.action_id for b in settled[0].buttons()]
    assert "升级督办" not in await office_home()
    assert all(r.answer == "owner_answered" for r in await records(world, "escalation"))


async def test_urging_the_silent_ones_includes_those_who_never_acknowledged(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> <@U0STAFFA> Flood plan due 2026-12-15")
    await world.run_until(lambda: with_text(world, "U0STAFFA", "请签收"))
    card = await world.command("U0SUPER", "查看 1")
    assert card.message is not None and "<@U0STAFFA>" in card.message.all_text()
    before = len(with_text(world, "U0STAFFA", "请签收"))
    await world.click("U0SUPER", card.message, msg.SILENT)
    assert "U0STAFFA" in world.slack.ephemerals("U0SUPER")[-1].all_text()
    assert len(with_text(world, "U0STAFFA", "请签收")) == before + 1
