"""Issue 12 §8: a form returns every wrong field's error at once (one ``response_action: errors``)."""

from __future__ import annotations

from sqlalchemy import select

from messages import urging as msg
from storage.models import UrgeRecordRow
from tests.e2e.conftest import World
from tests.e2e.test_modal_and_delivery import VALID


def with_text(world: World, user: str, needle: str) -> list:  # type: ignore[type-arg]
    return [m for m in world.slack.dm(user) if needle in m.all_text()]


async def test_the_assign_form_names_every_wrong_field_at_once(world: World) -> None:
    await world.command("U0LEADER", "new")
    view = world.slack.open_view("U0LEADER")
    assert view is not None
    await world.slack.submit(
        "U0LEADER",
        view,
        {**VALID, "title": "   ", "lead": "U0DUBANBOT", "due": "2026-11-20", "cadence": "every blue moon"},
    )
    errors = world.slack.last_view_errors("U0LEADER")
    assert set(errors) == {"title", "lead", "due", "cadence"}, errors
    assert "2026-11-20" in errors["due"]
    await world.deliver()
    assert await world.item_count() == 0


async def test_the_notice_answer_form_names_every_wrong_field_at_once(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    await world.run_until(lambda: bool(with_text(world, "U0STAFFA", "催办通知")))
    [notice] = with_text(world, "U0STAFFA", "催办通知")
    await world.click("U0STAFFA", notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0STAFFA")
    assert view is not None
    await world.slack.submit("U0STAFFA", view, {"reason": " ", "progress": " ", "new_date": "2026-12-01"})
    errors = world.slack.last_view_errors("U0STAFFA")
    assert set(errors) == {"reason", "progress", "new_date"}, errors
    assert "不能为空" in errors["reason"] and "2026-12-01" in errors["new_date"]
    notices = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.rung == "notice"))
    assert all(r.answered_at is None for r in notices)


async def test_the_call_log_form_names_every_wrong_field_at_once(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Check the budget due 12-20")
    await world.command("U0SUPER", "电话 1")
    view = world.slack.open_view("U0SUPER")
    assert view is not None
    await world.slack.submit(
        "U0SUPER",
        view,
        {
            "callee": "U0HEADA",
            "call_date": "2026-11-26",
            "call_time": "25h",
            "answered_by": " ",
            "summary": " ",
            "promised": "2026-11-01",
        },
    )
    errors = world.slack.last_view_errors("U0SUPER")
    assert set(errors) == {"call_time", "answered_by", "summary", "promised"}, errors
    calls = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.rung == "call"))
    assert calls == []


async def test_the_extension_form_names_every_wrong_field_at_once(world: World) -> None:
    from messages.notices import EXTEND

    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    [notice] = world.slack.dm("U0STAFFA")
    await world.click("U0STAFFA", notice, EXTEND)
    view = world.slack.open_view("U0STAFFA")
    assert view is not None
    await world.slack.submit("U0STAFFA", view, {"reason": " ", "new_date": "2026-12-01"})
    errors = world.slack.last_view_errors("U0STAFFA")
    assert set(errors) == {"reason", "new_date"}, errors
    assert "2026-12-15" in errors["new_date"] or "12月15日" in errors["new_date"], errors
