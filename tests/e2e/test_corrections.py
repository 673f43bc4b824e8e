"""撤销 / 修改 / 改派 (withdraw, edit, reassign) through signed requests, the emulator and the database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from messages.notices import ACK
from storage.models import ItemEventRow, ItemOwnerRow, OutboxRow, UrgeRecordRow
from tests.e2e.conftest import World
from tests.e2e.test_reports import ALL_CHECKS, FINAL, report, review

ASSIGN = "交办 <@U0HEADA> <@U0HEADB> 修订防汛应急预案 截止 2026-12-15"


async def _edited(world: World, number: str) -> list[dict]:  # type: ignore[type-arg]
    item = await world.item(number)
    rows = await world.rows(
        select(ItemEventRow).where(ItemEventRow.item_id == item.id, ItemEventRow.kind == "edited")
    )
    return [r.payload for r in rows]


# -- 撤销 withdraw ---------------------------------------------------------------------------------


async def test_withdraw_stops_everything_and_tells_the_owners_in_their_language(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    before = {u: len(world.slack.dm(u)) for u in ("U0HEADA", "U0HEADB")}
    # A manual urging queued but not sent yet when the item is withdrawn never goes out.
    await world.slack.slash("U0SUPER2", "urge 1")
    queued = await world.rows(select(OutboxRow).where(OutboxRow.purpose.like("urge:%")))
    assert queued and all(row.status == "pending" for row in queued)

    reply = await world.command("U0SUPER", "撤销 1 重复立项，已并入 DB-2026-0002")
    assert "已撤销 *DB-2026-0001*" in reply.text
    item = await world.item("DB-2026-0001")
    assert item.state == "withdrawn" and item.next_urge_at is None
    assert (await world.events("DB-2026-0001"))[-2:] == ["withdrawn", "state_changed"]
    zh = world.slack.dm("U0HEADA")[-1].all_text()
    assert "已撤销督办事项 *DB-2026-0001*" in zh and "重复立项" in zh
    assert "withdrew the supervision item *DB-2026-0001*" in world.slack.dm("U0HEADB")[-1].all_text()
    # The notices lose their buttons: nothing left to acknowledge or report.
    notice = world.slack.dm("U0HEADA")[0]
    assert "督查通知单 DB-2026-0001" in notice.all_text() and notice.buttons() == []
    assert "此事项已撤销，无需办理。撤销理由：重复立项" in notice.all_text()
    assert "This item was withdrawn" in world.slack.dm("U0HEADB")[0].all_text()

    # Never urged again: weeks pass, past the deadline, and nobody hears about it.
    await world.run_until(
        lambda: world.local_now().date().isoformat() >= "2026-12-20", step=timedelta(hours=3)
    )
    assert {u: len(world.slack.dm(u)) for u in ("U0HEADA", "U0HEADB")} == {
        u: n + 1 for u, n in before.items()
    }
    assert await world.rows(select(OutboxRow).where(OutboxRow.purpose.like("urge:%"))) == []
    assert [r.rung for r in await world.rows(select(UrgeRecordRow))] == ["manual"]  # the attempt, on record

    # Counted nowhere: the overdue list and the bulletin leave it out.
    overdue = await world.command("U0SUPER", "list overdue")
    assert "DB-2026-0001" not in overdue.text
    bulletin = await world.command("U0SUPER", "bulletin week")
    assert "DB-2026-0001" not in str(bulletin.body)

    again = await world.command("U0LEADER", "withdraw 1 again")
    assert "已撤销，不能再撤销" in again.text


async def test_only_leaders_and_the_office_may_withdraw_and_a_reason_is_required(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    refused = await world.command("U0HEADA", "withdraw 1 不想办了")
    assert "只有领导 / 督查人员可以撤销事项" in refused.text
    missing = await world.command("U0DEPUTY", "withdraw 1")
    assert "reason" in missing.text
    assert (await world.item("DB-2026-0001")).state == "issued"
    assert "withdrawn" not in await world.events("DB-2026-0001")


# -- 修改 edit --------------------------------------------------------------------------------------


async def test_edit_form_records_each_change_and_tells_owners_of_new_terms(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    reply = await world.command("U0SUPER", "修改 1")
    assert reply.status == 200
    view = world.slack.open_view("U0SUPER")
    assert view is not None and view.callback_id == "edit_item_modal"
    notices_before = len(world.slack.dm("U0HEADB"))

    await world.slack.submit(
        "U0SUPER",
        view,
        {
            "title": "修订防汛抗旱应急预案",
            "requirements": "增加抗旱章节",
            "due": "2026-12-22",
            "source": "meeting_decision",
            "confidential": [],
        },
    )
    await world.deliver()
    assert world.slack.last_view_errors("U0SUPER") == {}
    item = await world.item("DB-2026-0001")
    assert (item.title, item.requirements, item.current_due.isoformat(), item.source) == (
        "修订防汛抗旱应急预案",
        "增加抗旱章节",
        "2026-12-22",
        "meeting_decision",
    )
    assert item.original_due.isoformat() == "2026-12-22"  # a corrected deadline, not an extension
    changes = {p["field"]: (p["before"], p["after"]) for p in await _edited(world, "DB-2026-0001")}
    assert changes == {
        "title": ("修订防汛应急预案", "修订防汛抗旱应急预案"),
        "requirements": ("", "增加抗旱章节"),
        "due": ("2026-12-15", "2026-12-22"),
        "source": ("leader_instruction", "meeting_decision"),
    }
    # Owners hear about the new deadline and requirements (not the title), each in their language.
    told = world.slack.dm("U0HEADB")[notices_before:]
    assert len(told) == 1 and "Deadline" in told[0].all_text() and "Requirements" in told[0].all_text()
    assert "办理时限" in world.slack.dm("U0HEADA")[-1].all_text()
    assert "已修改 *DB-2026-0001*" in world.slack.dm("U0SUPER")[-1].all_text()
    # The timeline shows it.
    card = await world.command("U0SUPER", "show 1")
    assert "<@U0SUPER> 修改 办理时限：2026年12月15日（周二） → 2026年12月22日（周二）" in str(card.body)


async def test_edit_shows_localised_field_errors_and_writes_nothing(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    await world.command("U0DEPUTY", "edit 1")  # an English-speaking leader
    view = world.slack.open_view("U0DEPUTY")
    assert view is not None
    valid = {
        "title": "x",
        "requirements": "",
        "due": "2026-12-15",
        "source": "leader_instruction",
        "confidential": [],
    }
    await world.slack.submit("U0DEPUTY", view, {**valid, "due": "2026-11-01"})
    errors = world.slack.last_view_errors("U0DEPUTY")
    assert set(errors) == {"due"} and "2026-11-01" in errors["due"]
    await world.slack.submit("U0DEPUTY", view, {**valid, "title": "   "}, enforce_required=False)
    assert set(world.slack.last_view_errors("U0DEPUTY")) == {"title"}
    await world.deliver()
    assert await _edited(world, "DB-2026-0001") == []
    assert (await world.item("DB-2026-0001")).title == "修订防汛应急预案"


async def test_edit_is_refused_to_others_before_any_form_opens(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    refused = await world.command("U0STAFFB", "edit 1")
    assert "只有领导 / 督查人员可以修改事项" in refused.text
    assert world.slack.open_view("U0STAFFB") is None


# -- 改派 reassign ----------------------------------------------------------------------------------


async def test_reassign_the_lead_hands_over_notice_and_pending_urgings(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    await world.command("U0SUPER", "urge 1 请尽快反馈")
    item = await world.item("DB-2026-0001")
    open_urges = await world.rows(
        select(UrgeRecordRow).where(
            UrgeRecordRow.recipient_id == "U0HEADA", UrgeRecordRow.answered_at.is_(None)
        )
    )
    assert open_urges

    reply = await world.command("U0SUPER", "改派 1 <@U0STAFFA|刘洋>")
    assert "由 <@U0HEADA> 改派给 <@U0STAFFA>" in reply.text
    owners = await world.rows(select(ItemOwnerRow).where(ItemOwnerRow.item_id == item.id))
    assert {(o.user_id, o.role) for o in owners} == {("U0STAFFA", "lead"), ("U0HEADB", "co")}
    moved = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.id.in_([r.id for r in open_urges])))
    assert {r.recipient_id for r in moved} == {"U0STAFFA"}
    notice = world.slack.dm("U0STAFFA")[-1]
    assert "督查通知单 DB-2026-0001" in notice.all_text()
    assert "您不再承办此事项" in world.slack.dm("U0HEADA")[-1].all_text()
    # The hand-over, and the new owner's notice recorded in the dossier.
    assert (await world.events("DB-2026-0001"))[-2:] == ["reassigned", "notice_sent"]
    # The new owner can acknowledge with the notice they got.
    await world.click("U0STAFFA", notice, ACK)
    assert "acknowledged" in await world.events("DB-2026-0001")


async def test_reassign_a_co_owner_and_refusals(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    reply = await world.command("U0LEADER", "reassign 1 co <@U0HEADB> <@U0STAFFB2>")
    assert "<@U0HEADB> 改派给 <@U0STAFFB2>" in reply.text
    assert "You are released" in world.slack.dm("U0HEADB")[-1].all_text()
    assert "Supervision notice DB-2026-0001" in world.slack.dm("U0STAFFB2")[-1].all_text()

    not_co = await world.command("U0LEADER", "reassign 1 co <@U0STAFFA> <@U0STAFFB>")
    assert "<@U0STAFFA> 不是 *DB-2026-0001* 的协办" in not_co.text
    already = await world.command("U0LEADER", "reassign 1 <@U0STAFFB2>")
    assert "已经是 *DB-2026-0001* 的承办人" in already.text
    gone = await world.command("U0LEADER", "reassign 1 <@U0GONE>")
    assert "已离开工作区" in gone.text
    refused = await world.command("U0HEADA", "reassign 1 <@U0STAFFA>")
    assert "只有领导 / 督查人员可以改派责任人" in refused.text
    assert (await world.events("DB-2026-0001")).count("reassigned") == 1


# -- completed and archived items refuse every correction ------------------------------------------


async def test_completed_and_archived_items_refuse_corrections_with_a_reason(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 整理台账 due 2026-12-15")
    await report(world, "U0HEADA", FINAL)
    assert await review(world, "U0SUPER", "1", {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    assert (await world.item("DB-2026-0001")).state == "completed"
    events = len(await world.events("DB-2026-0001"))
    sends = len(await world.outbox())

    for text, verb in (("withdraw 1 误立", "撤销"), ("edit 1", "修改"), ("reassign 1 <@U0STAFFA>", "改派")):
        reply = await world.command("U0SUPER", text)
        assert f"已办结，不能再{verb}" in reply.text, reply.text
    english = await world.command("U0DEPUTY", "withdraw 1 wrong")
    assert "is completed and can no longer be withdrawn" in english.text

    await world.command("U0SUPER", "archive 1")
    assert (await world.item("DB-2026-0001")).state == "archived"
    for text, verb in (("withdraw 1 误立", "撤销"), ("edit 1", "修改"), ("reassign 1 <@U0STAFFA>", "改派")):
        reply = await world.command("U0SUPER", text)
        assert f"已归档，档案不能再{verb}" in reply.text, reply.text
    assert world.slack.open_view("U0SUPER") is None
    kinds = await world.events("DB-2026-0001")
    assert not {"withdrawn", "edited", "reassigned"} & set(kinds)
    assert len(kinds) > events and len(await world.outbox()) > sends  # only the archive happened


# -- an owner leaves the workspace (user_change) -------------------------------------------------


async def test_deactivated_owner_makes_the_office_reassign_their_open_items(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0STAFFA> 第一项 due 2026-12-15")
    await world.command("U0LEADER", "assign <@U0HEADA> <@U0STAFFA> 第二项 due 2026-12-16")
    await world.command("U0LEADER", "assign <@U0HEADB> 第三项 due 2026-12-17")
    await world.command("U0SUPER", "withdraw 3 重复")
    before = {u: len(world.slack.dm(u)) for u in ("U0SUPER", "U0SUPER2")}

    event = {
        "type": "user_change",
        "user": {"id": "U0STAFFA", "name": "liuyang", "deleted": True, "profile": {"display_name": "刘洋"}},
        "event_ts": "1764122400.000100",
    }
    reply = await world.slack.send_event(event)
    await world.deliver()
    assert reply.status == 200
    [zh] = world.slack.dm("U0SUPER")[before["U0SUPER"] :]
    text = zh.all_text()
    assert "<@U0STAFFA>（刘洋）已离开工作区" in text and "2 项" in text
    assert "`/duban reassign DB-2026-0001 <@…>`" in text
    assert "`/duban reassign DB-2026-0002 co <@U0STAFFA> <@…>`" in text
    assert "DB-2026-0003" not in text
    [en] = world.slack.dm("U0SUPER2")[before["U0SUPER2"] :]
    assert "has left the workspace and still owns 2 open item(s)" in en.all_text()

    # Nobody can be given new work in their name any more.
    refused = await world.command("U0LEADER", "reassign 2 <@U0STAFFA>")
    assert "已离开工作区" in refused.text

    # A redelivery of the same news asks nobody twice.
    await world.slack.send_event(event, retry_num=1)
    await world.deliver()
    assert len(world.slack.dm("U0SUPER")) == before["U0SUPER"] + 1
    assert len([r for r in await world.outbox() if r.purpose == "owner_gone"]) == 2


async def test_a_profile_change_that_is_not_a_deactivation_asks_nothing(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0STAFFA> 第一项 due 2026-12-15")
    await world.slack.send_event({"type": "user_change", "user": {"id": "U0STAFFA", "deleted": False}})
    await world.deliver()
    assert await world.rows(select(OutboxRow).where(OutboxRow.purpose == "owner_gone")) == []


async def test_a_malformed_deactivation_is_acknowledged_and_ignored(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0STAFFA> 第一项 due 2026-12-15")
    for user in (
        {"id": "U0STAFFA", "deleted": True, "profile": 5},  # a profile that is not an object
        {"id": ["U0STAFFA"], "deleted": True},  # an id that is not a string
        {"id": "U0STAFFA", "deleted": "yes"},  # deleted only when it is true
    ):
        reply = await world.slack.send_event({"type": "user_change", "user": user})
        assert reply.status == 200
    await world.deliver()
    gone = await world.rows(select(OutboxRow).where(OutboxRow.purpose == "owner_gone"))
    assert len(gone) == 2  # the first one was a real deactivation (its name unknown): the office is asked
