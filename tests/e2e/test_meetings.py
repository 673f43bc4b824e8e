"""召开协调会 (S1 协调, S5 会议纪要): the office records time, attendees, minutes and outcome into the
dossier; each attendee is told; a confidential item's minutes follow its title's clearance rule."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ItemEventRow, OutboxRow
from tests.e2e.conftest import World

MEETING = {
    "meeting_date": "2026-11-26",
    "meeting_time": "09:30",
    "attendees": ["U0HEADA", "U0STAFFA"],
    "minutes": "各科室汇报堤防加固进度，资金缺口由财政科协调",
    "outcome": "12月10日前完成加固",
}


async def _record(world: World, values: dict[str, object], user: str = "U0SUPER") -> dict[str, str]:
    reply = await world.command(user, "协调会 1")
    view = world.slack.open_view(user)
    assert view is not None, reply.text
    assert view.callback_id == "meeting_modal"
    world.slack.state.view_errors.pop(user, None)
    await world.slack.submit(user, view, values)
    await world.deliver()
    return world.slack.last_view_errors(user)


async def test_a_meeting_goes_into_the_dossier_and_attendees_are_told(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> 堤防加固 截止 12月20日")
    assert await _record(world, MEETING) == {}
    [event] = await world.rows(select(ItemEventRow).where(ItemEventRow.kind == "meeting_held"))
    assert event.actor_id == "U0SUPER"
    assert event.payload["attendees"] == ["U0HEADA", "U0STAFFA"]
    assert (event.payload["minutes"], event.payload["outcome"]) == (MEETING["minutes"], MEETING["outcome"])
    assert event.payload["held_at"].startswith("2026-11-26T09:30")
    for attendee in ("U0HEADA", "U0STAFFA"):
        notice = world.slack.dm(attendee)[-1].all_text()
        assert "协调会" in notice and "资金缺口由财政科协调" in notice and "09:30" in notice
    purposes = [r.purpose for r in await world.outbox()]
    assert purposes.count("meeting_recorded") == 2
    assert "已通知 2 位参会人员" in world.slack.dm("U0SUPER")[-1].all_text()
    shown = (await world.command("U0SUPER", "show 1")).message.all_text()
    assert "记录协调会" in shown and "资金缺口" in shown


async def test_bad_fields_all_come_back_and_nothing_is_recorded(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> 堤防加固 截止 12月20日")
    assert set(await _record(world, {**MEETING, "attendees": []})) == {"attendees"}  # Slack's own check
    errors = await _record(world, {**MEETING, "meeting_date": "2026-11-27", "minutes": "  "})
    assert set(errors) == {"meeting_date", "minutes"}  # every wrong field at once
    assert "将来" in errors["meeting_date"]
    errors = await _record(world, {**MEETING, "meeting_time": "9点半"})
    assert set(errors) == {"meeting_time"}
    assert await world.rows(select(ItemEventRow).where(ItemEventRow.kind == "meeting_held")) == []
    # Ordinary staff cannot record meetings.
    errors = await _record(world, MEETING, user="U0STAFFB")
    assert errors and await world.rows(select(OutboxRow).where(OutboxRow.purpose == "meeting_recorded")) == []


async def test_a_confidential_items_minutes_reach_only_the_cleared(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> XJ干部调整方案 截止 12月20日 保密")
    assert await _record(world, {**MEETING, "minutes": "XJ纪要内容", "outcome": "XJ结论"}) == {}
    head = world.slack.dm("U0HEADA")[-1]  # a department head, not cleared for this item
    seen = head.all_text() + repr(head.blocks)
    assert "DB-2026-0001" in seen and "XJ" not in seen
    owner = world.slack.dm("U0STAFFA")[-1].all_text()  # the owner is cleared
    assert "XJ纪要内容" in owner and "XJ结论" in owner
