"""App Home (督办工作台) for owners, supervisors and leaders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.emulator.blocks import text_of_blocks
from messages.home import HOME_PAGE_NEXT
from messages.notices import EXTEND, OPEN, REPORT
from storage.models import ItemRow, UrgeRecordRow
from tests.e2e.conftest import World


async def _set(world: World, number: str, **values: object) -> None:
    async with world.runtime.sessions.begin() as session:
        await session.execute(update(ItemRow).where(ItemRow.number == number).values(**values))


async def _home_text(world: World, user_id: str) -> tuple[str, list[str]]:
    await world.slack.open_home(user_id)
    await world.slack.settle()
    view = world.slack.home(user_id)
    assert view is not None and len(view.blocks) <= 100
    return text_of_blocks(view.blocks), [b.action_id for b in view.buttons()]


async def _life(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 防汛检查 due 11-27")
    await world.command("U0LEADER", "assign <@U0HEADA> 年度预算 due 12-20")
    await world.command("U0LEADER", "assign <@U0HEADB> Approval needed due 12-10")
    await world.command("U0LEADER", "assign <@U0HEADB> Finished work due 12-10")
    await _set(world, "DB-2026-0002", state="reported")
    await _set(world, "DB-2026-0003", state="pending_approval")
    await _set(world, "DB-2026-0004", state="completed", completed_at=world.clock.now())
    world.advance(days=2)  # Saturday 28 November: DB-2026-0001 is overdue
    item = await world.item("DB-2026-0001")
    async with world.runtime.sessions.begin() as session:
        session.add(
            UrgeRecordRow(
                item_id=item.id,
                rung="notice",
                round=1,
                idem_key="test-notice",
                sent_at=world.clock.now() - timedelta(hours=3),
                recipient_id="U0HEADA",
                created_at=world.clock.now(),
            )
        )


async def test_owner_sees_own_items_most_urgent_first_with_buttons(world: World) -> None:
    await _life(world)
    text, buttons = await _home_text(world, "U0HEADA")
    assert "我的在办事项" in text
    assert text.index("DB-2026-0001") < text.index("DB-2026-0002")
    assert ":red_circle:" in text and "逾期 1 天" in text
    assert "DB-2026-0003" not in text  # not theirs
    assert {REPORT, EXTEND, OPEN} <= set(buttons)


async def test_supervisor_sees_reviews_unanswered_urgings_and_overdue(world: World) -> None:
    await _life(world)
    text, _ = await _home_text(world, "U0SUPER")
    review, urges, overdue = text.index("待审核的报告"), text.index("未回复的催办"), text.index("逾期事项")
    assert "DB-2026-0002" in text[review:urges]
    assert "DB-2026-0001" in text[urges:overdue] and "<@U0HEADA>" in text[urges:overdue]
    assert "DB-2026-0001" in text[overdue:]


async def test_leader_sees_departments_approvals_and_completions(world: World) -> None:
    await _life(world)
    text, _ = await _home_text(world, "U0DEPUTY")  # English speaker
    assert "Departments by traffic light" in text and "General Office" in text
    approval = text.index("Proposals awaiting my approval")
    completed = text.index("Recently completed")
    assert "DB-2026-0003" in text[approval:completed]
    assert "DB-2026-0004" in text[completed:]


async def test_next_page_republishes(world: World) -> None:
    for n in range(52):  # 52 items × 2 blocks do not fit on one page
        await world.slack.slash("U0LEADER", f"assign <@U0STAFFA> Task {n} due 12-31")
    await world.runtime.after_request()
    await world.slack.open_home("U0STAFFA")
    await world.slack.settle()
    first = world.slack.home("U0STAFFA")
    assert first is not None and len(first.blocks) <= 100
    assert HOME_PAGE_NEXT in [b.action_id for b in first.buttons()]
    await world.slack.click_in_view("U0STAFFA", first, HOME_PAGE_NEXT)
    await world.slack.settle()
    second = world.slack.home("U0STAFFA")
    assert second is not None
    assert "第 2 / 2 页" in text_of_blocks(second.blocks)
    assert "Task 51" in text_of_blocks(second.blocks)


async def test_buttons_on_the_home_tab_answer_by_dm(world: World) -> None:
    """App Home clicks carry no response_url: the answer comes as a DM instead of being lost."""
    await world.command("U0LEADER", "assign <@U0HEADA> 年度预算 due 12-20")
    await world.slack.open_home("U0HEADA")
    await world.slack.settle()
    view = world.slack.home("U0HEADA")
    assert view is not None
    before = len(world.slack.dm("U0HEADA"))
    await world.slack.click_in_view("U0HEADA", view, OPEN)
    await world.slack.settle()
    await world.deliver()
    dms = world.slack.dm("U0HEADA")
    assert len(dms) == before + 1 and "DB-2026-0001" in dms[-1].all_text()


async def test_a_home_opened_event_without_a_user_is_acknowledged_and_ignored(world: World) -> None:
    # Found by the Events fuzzing: {"user": null} crashed writing a user row with no id.
    for user in (None, ""):  # (an id of another type is refused up front with 400 by the inbound guard)
        reply = await world.slack.send_event({"type": "app_home_opened", "user": user, "tab": "home"})
        assert reply.status == 200
    await world.deliver()
    assert world.slack.calls_to("views.publish") == []
