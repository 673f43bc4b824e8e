"""反馈 → 审核 → 退回重办 → 办结 → 批示, thread notes, 拟办呈批, 分解, 转办单 and 整改, end to end."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from bot.emulator import payloads
from bot.emulator.state import Message, View
from bot.emulator.transport import FORM, Reply, interactive_body
from messages.notices import ACK, REPORT
from messages.reports import INSTRUCT, PROPOSAL_APPROVE, PROPOSAL_CHANGE, PROPOSAL_REJECT, REVIEW
from storage.models import ItemEventRow, ItemRow, OutboxRow, ReportRow, ReviewRow
from tests.e2e.conftest import World

PROGRESS = {
    "kind": "progress",
    "percent": "40",
    "status": "at_risk",
    "done": "完成初稿 <!channel>",
    "problems": "两个科室材料未报",
    "next_steps": "下周征求意见",
}
FINAL = {"kind": "final", "percent": "100", "status": "on_track", "done": "预案已修订印发"}
ALL_CHECKS = ["policy", "intent", "facts", "conclusion", "format"]


# -- helpers --------------------------------------------------------------------------------------


def last_dm(world: World, user_id: str) -> Message:
    return world.slack.dm(user_id)[-1]


def dm_with(world: World, user_id: str, action_id: str) -> Message:
    """The newest DM to ``user_id`` that carries a button ``action_id``."""
    found = [m for m in world.slack.dm(user_id) if action_id in [b.action_id for b in m.buttons()]]
    assert found, f"no DM to {user_id} with {action_id}"
    return found[-1]


async def open_form(world: World, user_id: str, message: Message, action_id: str) -> View:
    await world.click(user_id, message, action_id)
    view = world.slack.open_view(user_id)
    assert view is not None, world.slack.ephemerals(user_id)[-1:]
    return view


async def submit(world: World, user_id: str, view: View, values: dict[str, Any]) -> dict[str, str]:
    """Submit a form; returns the field errors it came back with ({} when accepted)."""
    world.slack.state.view_errors.pop(user_id, None)
    await world.slack.submit(user_id, view, values)
    await world.deliver()
    return world.slack.last_view_errors(user_id)


async def resubmit(world: World, user_id: str, view: View) -> Reply:
    """The same view submitted again (a double click that reached us twice)."""
    again = payloads.view_submission(
        world.slack.state, user=world.slack.user(user_id), view=view, trigger_id="9.9.9", token="t"
    )
    reply = await world.slack.post_signed(interactive_body(again), FORM)
    await world.deliver()
    return reply


async def report(world: World, user_id: str, values: dict[str, Any], message: Message | None = None) -> None:
    view = await open_form(world, user_id, message or dm_with(world, user_id, REPORT), REPORT)
    assert await submit(world, user_id, view, values) == {}


async def review(world: World, user_id: str, number: str, values: dict[str, Any]) -> dict[str, str]:
    await world.command(user_id, f"review {number}")
    view = world.slack.open_view(user_id)
    assert view is not None, world.slack.ephemerals(user_id)[-1:]
    return await submit(world, user_id, view, values)


async def count(world: World, row: Any, item: ItemRow) -> int:
    return int(await world.scalar(select(func.count()).select_from(row).where(row.item_id == item.id)))


# -- 反馈 ----------------------------------------------------------------------------------------


async def test_progress_report_via_form_is_stored_once_with_the_item_changes(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 修订防汛应急预案 due 12-15")
    view = await open_form(world, "U0HEADA", world.slack.dm("U0HEADA")[0], REPORT)
    assert view.callback_id == "report_modal"
    texts = [
        b for b in view.blocks if b.get("type") == "input" and b["element"]["type"] == "plain_text_input"
    ]
    assert texts and all(b["element"]["max_length"] == 3000 for b in texts)
    assert all("3000" in b["hint"]["text"] for b in texts)

    # Required fields and the form's rules come back as field errors; nothing is stored.
    errors = await submit(world, "U0HEADA", view, {**PROGRESS, "kind": "delay", "problems": ""})
    assert set(errors) == {"problems", "expected"}  # every wrong field at once
    errors = await submit(world, "U0HEADA", view, {**PROGRESS, "kind": "final"})
    assert set(errors) == {"percent"}
    item = await world.item("DB-2026-0001")
    assert await count(world, ReportRow, item) == 0

    assert await submit(world, "U0HEADA", view, PROGRESS) == {}
    assert world.slack.open_view("U0HEADA") is None
    await resubmit(world, "U0HEADA", view)  # double submit: still one report

    item = await world.item("DB-2026-0001")
    assert (item.state, item.percent_done, item.health) == ("in_progress", 40, "at_risk")
    assert item.reported_at is not None
    [row] = await world.rows(select(ReportRow).where(ReportRow.item_id == item.id))
    assert (row.kind, row.percent, row.status, row.author_id, row.source) == (
        "progress",
        40,
        "at_risk",
        "U0HEADA",
        "form",
    )
    assert row.problems == "两个科室材料未报" and row.request_key == f"view:{view.id}"
    assert (await world.events("DB-2026-0001"))[-2:] == ["progress_reported", "state_changed"]
    confirmation = last_dm(world, "U0HEADA").all_text()
    assert "已收到您对 *DB-2026-0001* 的进展情况" in confirmation and "40%" in confirmation

    # The card shows the progress; the typed <!channel> stays inert wherever it is shown.
    shown = await world.command("U0LEADER", "show 1")
    assert "进度：40%" in shown.message.all_text()


async def test_only_owners_report_and_fyi_items_need_no_report(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 修订预案 due 12-15")
    await world.command("U0STAFFB", "report 1")
    assert world.slack.open_view("U0STAFFB") is None
    assert "只有 DB-2026-0001 的责任人" in world.slack.ephemerals("U0STAFFB")[-1].all_text()

    await world.command("U0LEADER", "assign <@U0HEADA> 传达会议精神 fyi")
    await world.command("U0HEADA", "report 2")
    assert world.slack.open_view("U0HEADA") is None
    assert "转办单" in world.slack.ephemerals("U0HEADA")[-1].all_text()
    assert int(await world.scalar(select(func.count()).select_from(ReportRow))) == 0


async def test_a_thread_reply_is_one_note_despite_a_retried_event(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 修订预案 due 12-15")
    [notice] = world.slack.dm("U0HEADA")
    state = world.slack.state
    msg = state.add_message(
        state.channels[notice.channel], "U0HEADA", "初稿已完成，正在征求意见", thread_ts=notice.ts
    )
    event = payloads.user_message_event(state, msg)
    first = await world.slack.send_event(event, event_id="Ev0NOTE1")
    retry = await world.slack.send_event(event, event_id="Ev0NOTE1", retry_num=1)
    await world.deliver()
    assert first.status == retry.status == 200

    item = await world.item("DB-2026-0001")
    [note] = await world.rows(select(ReportRow).where(ReportRow.item_id == item.id))
    assert (note.kind, note.source, note.done, note.author_id) == ("note", "thread", msg.text, "U0HEADA")
    assert note.request_key == "event:Ev0NOTE1"
    assert (await world.events("DB-2026-0001")).count("thread_note") == 1
    assert state.find_message(notice.channel, msg.ts).reactions == {"white_check_mark": ["U0DUBANBOT"]}
    assert len(world.slack.calls_to("reactions.add")) == 1

    # Not notes: a message outside any thread, an edit, a bot's own message.
    await world.slack.send_dm("U0HEADA", "你好")
    edited = {**event, "subtype": "message_changed", "ts": "1.1"}
    await world.slack.send_event(edited)
    bot_msg = {**payloads.user_message_event(state, msg), "bot_id": "B1", "ts": "1.2"}
    await world.slack.send_event(bot_msg)
    await world.deliver()
    assert await count(world, ReportRow, item) == 1

    # A reply also sent to the channel ("thread_broadcast") is still a reply in the thread.
    broadcast = {**event, "subtype": "thread_broadcast", "ts": "1.3", "text": "补充：附件已上传"}
    await world.slack.send_event(broadcast, event_id="Ev0NOTE2")
    await world.deliver()
    assert await count(world, ReportRow, item) == 2


# -- 反馈 → 审核 → 退回重办 → 办结 → 批示 ----------------------------------------------------------


async def test_final_report_review_return_approve_and_instruction_reopens(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> <@U0STAFFA> 修订防汛应急预案 due 12-15")

    # The co-owner's final report is their part: the item does not move, the lead hears of it.
    await report(world, "U0STAFFA", FINAL)
    item = await world.item("DB-2026-0001")
    assert item.state == "issued" and item.review_due is None
    assert "协办人 <@U0STAFFA>" in last_dm(world, "U0HEADA").all_text()

    # The lead owner's final report moves it to the office, due for review the next working day.
    await report(world, "U0HEADA", FINAL, world.slack.dm("U0HEADA")[0])
    item = await world.item("DB-2026-0001")
    assert (item.state, item.percent_done, item.review_due.isoformat()) == ("reported", 100, "2026-11-27")
    for supervisor in ("U0SUPER", "U0SUPER2"):
        request = dm_with(world, supervisor, REVIEW).all_text()
        assert "DB-2026-0001" in request and "预案已修订印发" in request
    assert "请于 2026年11月27日" in dm_with(world, "U0SUPER", REVIEW).all_text()
    assert "Please review it by 2026-11-27" in dm_with(world, "U0SUPER2", REVIEW).all_text()

    # Review: opening the form takes the item up; a return needs reasons and a new deadline.
    view = await open_form(world, "U0SUPER", dm_with(world, "U0SUPER", REVIEW), REVIEW)
    assert (await world.item("DB-2026-0001")).state == "under_review"
    assert set(await submit(world, "U0SUPER", view, {"decision": "return", "new_due": "2026-12-20"})) == {
        "reasons"
    }
    errors = await submit(
        world, "U0SUPER", view, {"decision": "return", "reasons": "数据不全", "new_due": None}
    )
    assert set(errors) == {"new_due"}
    returned = {"decision": "return", "reasons": "缺少各乡镇数据 <@U0LEADER>", "new_due": "2026-12-20"}
    assert await submit(world, "U0SUPER", view, returned) == {}
    await resubmit(world, "U0SUPER", view)

    item = await world.item("DB-2026-0001")
    assert (item.state, item.return_count) == ("returned", 1)
    assert (item.original_due.isoformat(), item.current_due.isoformat()) == ("2026-12-15", "2026-12-20")
    [row] = await world.rows(select(ReviewRow).where(ReviewRow.item_id == item.id))
    assert (row.decision, row.reasons, row.new_due.isoformat()) == (
        "return",
        returned["reasons"],
        "2026-12-20",
    )
    for owner in ("U0HEADA", "U0STAFFA"):
        text = dm_with(world, owner, REPORT).all_text()
        assert "退回重办" in text and "缺少各乡镇数据 &lt;@U0LEADER&gt;" in text and "2026年12月20日" in text

    # A new final report goes back to review; this time it is approved.
    await report(world, "U0HEADA", {**FINAL, "done": "补充了各乡镇数据"}, dm_with(world, "U0HEADA", REPORT))
    assert (await world.item("DB-2026-0001")).state == "reported"
    view = await open_form(world, "U0SUPER2", dm_with(world, "U0SUPER2", REVIEW), REVIEW)
    errors = await submit(world, "U0SUPER2", view, {"decision": "approve", "checklist": ALL_CHECKS[:3]})
    assert set(errors) == {"checklist"}
    assert await submit(world, "U0SUPER2", view, {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    await resubmit(world, "U0SUPER2", view)

    item = await world.item("DB-2026-0001")
    assert item.state == "completed" and item.completed_at is not None
    assert await count(world, ReviewRow, item) == 2
    feedback = dm_with(world, "U0LEADER", INSTRUCT).all_text()
    assert "督查反馈 DB-2026-0001" in feedback and "补充了各乡镇数据" in feedback
    assert "退办次数" in feedback and "逾期" not in feedback
    assert "Supervision feedback DB-2026-0001" in dm_with(world, "U0DEPUTY", INSTRUCT).all_text()
    assert "审核通过" in last_dm(world, "U0STAFFA").all_text()

    # The leader's instruction continues the item (跟踪落实).
    view = await open_form(world, "U0LEADER", dm_with(world, "U0LEADER", INSTRUCT), INSTRUCT)
    assert (
        await submit(world, "U0LEADER", view, {"text": "请于汛期前组织一次演练", "new_due": "2027-01-15"})
        == {}
    )
    await resubmit(world, "U0LEADER", view)
    item = await world.item("DB-2026-0001")
    assert (item.state, item.completed_at, item.current_due.isoformat()) == (
        "in_progress",
        None,
        "2027-01-15",
    )
    assert "请于汛期前组织一次演练" in item.requirements and "王建国" in item.requirements
    assert "请于汛期前组织一次演练" in dm_with(world, "U0HEADA", REPORT).all_text()
    kinds = await world.events("DB-2026-0001")
    assert kinds.count("instructed") == 1 and kinds.count("completed") == 1 and kinds.count("returned") == 1
    assert kinds.count("reviewed") == 2 and kinds.count("final_reported") == 3


async def test_role_refusals_for_review_and_instructions(world: World) -> None:
    # A supervisor who owns the item and wrote its report may not review it.
    await world.command("U0LEADER", "assign <@U0SUPER2> 清理文件柜 due 12-15")
    await report(world, "U0SUPER2", FINAL)
    await world.command("U0SUPER2", "review 1")
    assert world.slack.open_view("U0SUPER2") is None
    assert "must review it" in world.slack.ephemerals("U0SUPER2")[-1].all_text()
    # A member may not review at all.
    await world.command("U0STAFFB", "审核 1")
    assert "只有督查人员 / 领导可以审核办理报告" in world.slack.ephemerals("U0STAFFB")[-1].all_text()
    # Only leaders instruct.
    await world.command("U0SUPER", "instruct 1 抓紧")
    assert "只有领导可以作出批示" in world.slack.ephemerals("U0SUPER")[-1].all_text()
    item = await world.item("DB-2026-0001")
    assert item.state == "reported" and await count(world, ReviewRow, item) == 0
    assert "instructed" not in await world.events("DB-2026-0001")
    # A leader's instruction on an open item is added without reopening anything.
    reply = await world.command("U0LEADER", "批示 1 请注意保密")
    assert "已追加" in reply.text
    assert (await world.item("DB-2026-0001")).state == "reported"


# -- 拟办呈批 -----------------------------------------------------------------------------------


def require_approval(world: World, *sources: str) -> None:
    ctx = world.runtime.services.ctx
    ctx.settings = replace(ctx.settings, approval_sources=sources)


async def test_proposals_go_to_the_leaders_who_approve_change_or_reject(world: World) -> None:
    require_approval(world, "meeting_decision")
    reply = await world.command("U0SUPER", "assign <@U0HEADA> 落实会议决定 due 12-15 source meeting")
    assert "呈送领导审批" in reply.text
    item = await world.item("DB-2026-0001")
    assert item.state == "pending_approval" and world.slack.dm("U0HEADA") == []
    proposal = dm_with(world, "U0LEADER", PROPOSAL_APPROVE)
    assert [b.action_id for b in proposal.buttons()] == [PROPOSAL_APPROVE, PROPOSAL_CHANGE, PROPOSAL_REJECT]
    assert "拟办呈批 DB-2026-0001" in proposal.all_text()

    # A non-leader cannot decide; a leader's approval issues the notices; a second decision is refused.
    await world.click("U0SUPER2", proposal, PROPOSAL_APPROVE)
    assert (await world.item("DB-2026-0001")).state == "pending_approval"
    deputys = dm_with(world, "U0DEPUTY", PROPOSAL_REJECT)
    await world.slack.click("U0LEADER", proposal, PROPOSAL_APPROVE)
    await world.slack.click("U0DEPUTY", deputys, PROPOSAL_REJECT)  # before the restamp reached them
    await world.slack.settle()
    await world.deliver()
    assert "DB-2026-0001 is Issued" in world.slack.ephemerals("U0DEPUTY")[-1].all_text()
    assert world.slack.open_view("U0DEPUTY") is None  # no reason form for a decided proposal
    item = await world.item("DB-2026-0001")
    assert (item.state, item.approver_id) == ("issued", "U0LEADER")
    assert "督查通知单 DB-2026-0001" in world.slack.dm("U0HEADA")[0].all_text()
    assert world.slack.dm("U0LEADER")[0].buttons() == []  # restamped with the decision
    assert "已于" in world.slack.dm("U0LEADER")[0].all_text()
    assert world.slack.dm("U0DEPUTY")[0].buttons() == []
    assert "批准了 *DB-2026-0001*" in last_dm(world, "U0SUPER").all_text()
    assert await world.events("DB-2026-0001") == [
        "registered",
        "state_changed",
        "state_changed",
        "issued",
        "notice_sent",
    ]
    assert len(world.slack.dm("U0HEADA")) == 1

    # Rejected: the proposal ends there (a terminal state), the supervisor is told, nobody gets a notice.
    await world.command("U0SUPER", "assign <@U0HEADB> 第二项 due 12-16 source meeting")
    view = await open_form(world, "U0DEPUTY", dm_with(world, "U0DEPUTY", PROPOSAL_REJECT), PROPOSAL_REJECT)
    assert set(await submit(world, "U0DEPUTY", view, {"reason": "  "})) == {"reason"}  # a reason is required
    assert (await world.item("DB-2026-0002")).state == "pending_approval"
    assert await submit(world, "U0DEPUTY", view, {"reason": "与年度计划重复"}) == {}
    assert (await world.item("DB-2026-0002")).state == "rejected"
    assert "不同意" in last_dm(world, "U0SUPER").all_text() and world.slack.dm("U0HEADB") == []
    assert "与年度计划重复" in last_dm(world, "U0SUPER").all_text()  # the proposer is told why
    assert "proposal_rejected" in await world.events("DB-2026-0002")

    # Changed: another lead and deadline, then issued.
    await world.command("U0SUPER", "assign <@U0HEADA> 第三项 due 12-16 source meeting")
    view = await open_form(world, "U0LEADER", dm_with(world, "U0LEADER", PROPOSAL_CHANGE), PROPOSAL_CHANGE)
    assert await submit(world, "U0LEADER", view, {"lead": "U0HEADB", "due": "2026-12-31"}) == {}
    await resubmit(world, "U0LEADER", view)  # a double submit issues it once
    assert (await world.events("DB-2026-0003")).count("issued") == 1
    assert len(world.slack.dm("U0HEADB")) == 1
    item = await world.item("DB-2026-0003")
    assert (item.state, item.original_due.isoformat(), item.current_due.isoformat()) == (
        "issued",
        "2026-12-31",
        "2026-12-31",
    )
    assert "DB-2026-0003" in world.slack.dm("U0HEADB")[-1].all_text()
    assert all("DB-2026-0003" not in m.all_text() for m in world.slack.dm("U0HEADA"))

    # Leaders' own assignments and other sources are issued at once.
    await world.command("U0LEADER", "assign <@U0HEADA> 第四项 due 12-16 source meeting")
    await world.command("U0SUPER", "assign <@U0HEADA> 第五项 due 12-16 source plan")
    assert [(await world.item(n)).state for n in ("DB-2026-0004", "DB-2026-0005")] == ["issued", "issued"]


# -- 分解, 转办单, 整改, the office's time limit ----------------------------------------------------


async def test_parent_rolls_up_its_children_and_cannot_complete_while_one_is_open(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 年度重点工作 due 12-31")
    await world.command("U0LEADER", "assign <@U0STAFFA> 第一季度任务 due 12-20 parent 1")
    await world.command("U0LEADER", "assign <@U0STAFFB> 第二季度任务 due 12-25 parent 1")
    await report(world, "U0STAFFA", {**PROGRESS, "percent": "50"})

    card = (await world.command("U0LEADER", "show 1")).message.all_text()
    assert "分解事项*：已办结 0/2 · 平均进度 25%" in card
    assert "DB-2026-0002" in card and "DB-2026-0003" in card

    await report(world, "U0HEADA", FINAL, world.slack.dm("U0HEADA")[0])
    errors = await review(world, "U0SUPER", "1", {"decision": "approve", "checklist": ALL_CHECKS})
    assert "DB-2026-0002" in errors["decision"] and "DB-2026-0003" in errors["decision"]
    assert (await world.item("DB-2026-0001")).state == "under_review"

    for number, owner in (("2", "U0STAFFA"), ("3", "U0STAFFB")):
        await report(world, owner, FINAL, world.slack.dm(owner)[0])
        assert await review(world, "U0SUPER", number, {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    card = (await world.command("U0LEADER", "show 1")).message.all_text()
    assert "已办结 2/2 · 平均进度 100%" in card
    assert await review(world, "U0SUPER", "1", {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    assert (await world.item("DB-2026-0001")).state == "completed"


async def test_fyi_transfer_closes_when_everyone_acknowledged_and_the_assigner_is_told(world: World) -> None:
    await world.command("U0SUPER", "assign <@U0HEADA> <@U0HEADB> 传达全会精神 fyi")
    await world.click("U0HEADA", world.slack.dm("U0HEADA")[0], ACK)
    assert (await world.item("DB-2026-0001")).state == "acknowledged"
    assert all("已全部签收" not in m.all_text() for m in world.slack.dm("U0SUPER"))
    await world.click("U0HEADB", world.slack.dm("U0HEADB")[0], ACK)
    item = await world.item("DB-2026-0001")
    assert item.state == "closed" and item.completed_at is not None
    assert "转办单 *DB-2026-0001* 传达全会精神 已全部签收" in last_dm(world, "U0SUPER").all_text()


async def test_rectification_needs_on_site_verification_to_close(world: World) -> None:
    await world.command("U0SUPER", "assign <@U0HEADB> 消防通道堵塞整改 due 12-10 source 整改")
    item = await world.item("DB-2026-0001")
    assert item.kind == "rectification"
    await report(world, "U0HEADB", {**FINAL, "done": "Cleared and signposted"})
    await world.command("U0SUPER2", "review 1")
    view = world.slack.open_view("U0SUPER2")
    assert view is not None and "Rectification verified on site" in str(view.blocks)
    errors = await submit(world, "U0SUPER2", view, {"decision": "approve", "checklist": ALL_CHECKS})
    assert set(errors) == {"checklist"}
    ok = await submit(
        world, "U0SUPER2", view, {"decision": "approve", "checklist": [*ALL_CHECKS, "verified_on_site"]}
    )
    assert ok == {}
    [row] = await world.rows(select(ReviewRow))
    assert row.checklist["verified_on_site"] is True
    assert (await world.item("DB-2026-0001")).state == "completed"
    assert "整改验收 DB-2026-0001" in dm_with(world, "U0LEADER", INSTRUCT).all_text()


async def test_a_report_waiting_past_the_review_limit_is_flagged_once_a_day(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 修订预案 due 12-15")
    await report(world, "U0HEADA", FINAL)  # Thursday: review due Friday 27 November

    def overdue_sends() -> list[OutboxRow]:
        return [r for r in sends if r.purpose == "review_overdue"]

    world.advance(days=1)  # Friday: still within the limit
    await world.tick()
    sends = await world.outbox()
    assert overdue_sends() == []
    world.advance(days=1)  # Saturday 10:00: late, but nobody is pinged at the weekend
    await world.tick()
    world.clock.set(world.clock.now().replace(day=29, hour=17))  # Monday 01:00 in Shanghai: not at night
    await world.tick()
    sends = await world.outbox()
    assert overdue_sends() == []
    world.clock.set(world.clock.now().replace(day=30, hour=2))  # Monday 10:00
    await world.tick()
    await world.tick()
    sends = await world.outbox()
    assert {r.recipient_id for r in overdue_sends()} == {"U0SUPER", "U0SUPER2"} and len(overdue_sends()) == 2
    assert (await world.events("DB-2026-0001")).count("review_overdue") == 1
    assert "仍待审核" in last_dm(world, "U0SUPER").all_text()
    card = (await world.command("U0LEADER", "show 1")).message.all_text()
    assert "审核已超时（自 2026年11月27日" in card
    world.advance(days=1)  # Tuesday: reminded again
    await world.tick()
    sends = await world.outbox()
    assert len(overdue_sends()) == 4
    events = await world.rows(select(ItemEventRow).where(ItemEventRow.kind == "review_overdue"))
    assert len(events) == 2
    # Reviewed: no longer flagged.
    assert await review(world, "U0SUPER", "1", {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    world.advance(days=1)
    await world.tick()
    sends = await world.outbox()
    assert len(overdue_sends()) == 4


async def test_a_thread_reply_of_a_shape_slack_never_sends_is_acknowledged_and_ignored(world: World) -> None:
    # Found by the Events fuzzing: a list as thread_ts reached the database driver.
    await world.command("U0LEADER", "assign <@U0HEADA> 修订预案 due 12-15")
    odd_fields = ({"thread_ts": [None]}, {"thread_ts": "1.0", "ts": 5}, {"thread_ts": "1.0", "text": ["x"]})
    for odd in odd_fields:
        event = {"type": "message", "user": "U0HEADA", "text": "", "channel": "D0HEADA", "ts": "2.0", **odd}
        reply = await world.slack.send_event(event)
        assert reply.status in (200, 400), (odd, reply)
    await world.deliver()
    assert "thread_note" not in await world.events("DB-2026-0001")
