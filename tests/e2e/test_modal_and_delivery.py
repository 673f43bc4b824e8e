"""The assignment modal, and what happens when Slack refuses or throttles a send."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ItemEventRow, OutboxRow
from tests.e2e.conftest import World

VALID = {
    "title": "整理年度督办台账",
    "requirements": "按科室汇总，12月20日前报督查室。",
    "lead": "U0HEADA",
    "co": ["U0STAFFB"],
    "due": "2026-12-18",
    "source": "work_plan",
    "flags": ["confidential"],
}


async def test_new_opens_the_form_and_a_valid_submission_assigns(world: World) -> None:
    reply = await world.command("U0SUPER", "新建")
    assert reply.status == 200
    view = world.slack.open_view("U0SUPER")
    assert view is not None and view.callback_id == "assign_modal"

    submitted = await world.slack.submit("U0SUPER", view, VALID)
    await world.deliver()
    assert submitted.status == 200 and world.slack.open_view("U0SUPER") is None
    item = await world.item("DB-2026-0001")
    assert (item.title, item.source, item.confidential, item.current_due.isoformat()) == (
        "整理年度督办台账",
        "work_plan",
        True,
        "2026-12-18",
    )
    assert "督查通知单 DB-2026-0001" in world.slack.dm("U0HEADA")[0].all_text()
    assert "DB-2026-0001" in world.slack.dm("U0SUPER")[-1].all_text()  # confirmation to the assigner


async def test_invalid_fields_come_back_as_field_errors_and_nothing_is_created(world: World) -> None:
    await world.command("U0LEADER", "new")
    view = world.slack.open_view("U0LEADER")
    assert view is not None

    await world.slack.submit("U0LEADER", view, {**VALID, "due": "2026-11-20"})
    assert "due" in world.slack.last_view_errors("U0LEADER")
    await world.slack.submit("U0LEADER", view, {**VALID, "lead": "U0DUBANBOT"})
    assert "lead" in world.slack.last_view_errors("U0LEADER")
    await world.slack.submit("U0LEADER", view, {**VALID, "co": ["U0HEADA"]})
    assert "co" in world.slack.last_view_errors("U0LEADER")
    assert world.slack.open_view("U0LEADER") is not None  # still open for corrections
    await world.deliver()
    assert await world.item_count() == 0 and await world.outbox() == []


async def test_a_double_submitted_form_makes_one_item(world: World) -> None:
    await world.command("U0LEADER", "new")
    view = world.slack.open_view("U0LEADER")
    assert view is not None
    payload_values = {**VALID, "flags": []}
    first = await world.slack.submit("U0LEADER", view, payload_values)
    assert first.status == 200
    # The same view submitted again (a double click that reached us twice) makes nothing new.
    from bot.emulator import payloads
    from bot.emulator.transport import FORM, interactive_body

    again = payloads.view_submission(
        world.slack.state,
        user=world.slack.user("U0LEADER"),
        view=view,
        trigger_id="1.2.3",
        token=world.slack.verification_token,
    )
    await world.slack.post_signed(interactive_body(again), FORM)
    await world.deliver()
    assert await world.item_count() == 1
    assert len(world.slack.dm("U0HEADA")) == 1


async def test_members_cannot_use_the_form_to_assign(world: World) -> None:
    await world.command("U0STAFFA", "new")
    view = world.slack.open_view("U0STAFFA")
    assert view is not None
    await world.slack.submit("U0STAFFA", view, VALID)
    assert "title" in world.slack.last_view_errors("U0STAFFA")
    assert await world.item_count() == 0


async def test_throttled_and_failing_sends_are_retried_until_delivered(world: World) -> None:
    world.slack.inject_failure("chat.postMessage", status=429, retry_after=2, times=1)
    world.slack.inject_failure("chat.postMessage", status=503, times=1)
    await world.slack.slash("U0LEADER", "assign <@U0HEADA> Retry me due 12-10")
    await world.runtime.after_request()  # the first attempt meets the 429
    assert world.slack.dm("U0HEADA") == []
    [waiting] = await world.rows(select(OutboxRow).where(OutboxRow.purpose == "notice"))
    assert waiting.status == "pending" and (waiting.next_attempt_at - world.clock.now()).total_seconds() >= 2
    for _ in range(6):
        world.advance(seconds=5)
        await world.deliver()
    assert len(world.slack.dm("U0HEADA")) == 1
    [row] = await world.rows(select(OutboxRow).where(OutboxRow.purpose == "notice"))
    assert row.status == "sent"


async def test_a_permanent_slack_error_goes_to_the_dossier_and_the_office(world: World) -> None:
    world.slack.inject_failure("chat.postMessage", error="user_not_found", times=1)
    await world.command("U0LEADER", "assign <@U0HEADA> Unreachable owner due 12-10")
    world.advance(seconds=5)
    await world.deliver()
    assert world.slack.dm("U0HEADA") == []
    item = await world.item("DB-2026-0001")
    kinds = [
        e.kind
        for e in await world.rows(
            select(ItemEventRow).where(ItemEventRow.item_id == item.id).order_by(ItemEventRow.seq)
        )
    ]
    assert kinds[-1] == "delivery_failed"
    for supervisor in ("U0SUPER", "U0SUPER2"):
        assert "user_not_found" in world.slack.dm(supervisor)[-1].all_text()
    failed = await world.rows(select(OutboxRow).where(OutboxRow.status == "failed"))
    assert [r.purpose for r in failed] == ["notice"]


async def test_the_form_takes_a_checkin_rhythm_and_refuses_a_bad_one(world: World) -> None:
    await world.command("U0LEADER", "new")
    view = world.slack.open_view("U0LEADER")
    assert view is not None
    await world.slack.submit("U0LEADER", view, {**VALID, "cadence": "每小时"})
    assert "cadence" in world.slack.last_view_errors("U0LEADER")
    await world.slack.submit("U0LEADER", view, {**VALID, "cadence": "每周一 10:00"})
    await world.deliver()
    assert (await world.item("DB-2026-0001")).cadence == "每周一 10:00"
