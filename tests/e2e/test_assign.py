"""立项 → 交办 → 签收 → 列表 / 查看, through signed requests and the emulated Web API."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update

from bot.emulator.seed import DEMO_BOT_USER_ID
from messages.notices import ACK, EXTEND, OPEN, REPORT
from storage.models import ItemOwnerRow, ItemRow, UserRow
from tests.e2e.conftest import World


async def test_leader_assigns_in_chinese_and_owners_get_notices_in_their_language(world: World) -> None:
    reply = await world.command(
        "U0LEADER", "交办 <@U0HEADA|张伟> <@U0HEADB|Sarah Lee> 修订防汛应急预案 截止 12月15日 来源 会议"
    )
    assert reply.status == 200
    assert "DB-2026-0001" in reply.text and "已登记并交办" in reply.text

    item = await world.item("DB-2026-0001")
    assert (item.title, item.state, item.source) == ("修订防汛应急预案", "issued", "meeting_decision")
    assert item.original_due.isoformat() == item.current_due.isoformat() == "2026-12-15"
    assert await world.events("DB-2026-0001") == ["registered", "issued", "notice_sent", "notice_sent"]
    owners = await world.rows(select(ItemOwnerRow).where(ItemOwnerRow.item_id == item.id))
    assert {(o.user_id, o.role) for o in owners} == {("U0HEADA", "lead"), ("U0HEADB", "co")}

    [zh_notice] = world.slack.dm("U0HEADA")
    assert zh_notice.user == DEMO_BOT_USER_ID
    assert "督查通知单 DB-2026-0001" in zh_notice.all_text()
    assert "<@U0LEADER>" in zh_notice.all_text()  # who assigned it
    assert [b.action_id for b in zh_notice.buttons()] == [ACK, REPORT, EXTEND, OPEN]
    [en_notice] = world.slack.dm("U0HEADB")
    assert "Supervision notice DB-2026-0001" in en_notice.all_text()
    assert all(row.status == "sent" for row in await world.outbox())


async def test_acknowledge_is_recorded_once_and_the_notice_shows_it(world: World) -> None:
    await world.command("U0SUPER", "assign <@U0STAFFA> Collect the district reports due 2026-12-10")
    [notice] = world.slack.dm("U0STAFFA")

    await world.click("U0STAFFA", notice, ACK)
    [confirmation] = world.slack.ephemerals("U0STAFFA")[-1:]
    assert "您已签收 *DB-2026-0001*" in confirmation.all_text()
    item = await world.item("DB-2026-0001")
    assert item.state == "in_progress"
    assert await world.events("DB-2026-0001") == [
        "registered",
        "issued",
        "notice_sent",
        "acknowledged",
        "state_changed",
    ]
    # The notice was updated in place: no Acknowledge button any more, a stamp instead.
    [updated] = world.slack.dm("U0STAFFA")
    assert ACK not in [b.action_id for b in updated.buttons()]
    assert "已于" in updated.all_text()

    # Open item shows the card with the acknowledgement in its timeline.
    await world.click("U0STAFFA", updated, OPEN)
    card = world.slack.ephemerals("U0STAFFA")[-1].all_text()
    assert "DB-2026-0001" in card and "<@U0STAFFA> 签收" in card
    assert await world.events("DB-2026-0001") == [
        "registered",
        "issued",
        "notice_sent",
        "acknowledged",
        "state_changed",
    ]


async def test_double_acknowledge_from_a_retried_click_is_one_event(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Check the budget due 12-20")
    [notice] = world.slack.dm("U0HEADA")
    first, second = await asyncio.gather(
        world.slack.click("U0HEADA", notice, ACK), world.slack.click("U0HEADA", notice, ACK)
    )
    await world.slack.settle()
    assert first.status == second.status == 200
    assert (await world.events("DB-2026-0001")).count("acknowledged") == 1


async def test_non_owner_cannot_acknowledge(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Check the budget due 12-20")
    [notice] = world.slack.dm("U0HEADA")
    # Someone else presses the button (e.g. a forwarded message).
    await world.slack.click("U0STAFFB", notice, ACK)
    await world.slack.settle()
    assert "只有 DB-2026-0001 的责任人" in world.slack.ephemerals("U0STAFFB")[-1].all_text()
    assert "acknowledged" not in await world.events("DB-2026-0001")


async def test_extension_button_opens_the_request_form(world: World) -> None:
    await world.command("U0DEPUTY", "assign <@U0HEADB> Draft the annual plan due 12-18")
    [notice] = world.slack.dm("U0HEADB")
    await world.click("U0HEADB", notice, EXTEND)
    view = world.slack.open_view("U0HEADB")
    assert view is not None and view.callback_id == "extend_modal"
    await world.slack.submit(
        "U0HEADB", view, {"new_date": "2026-12-30", "reason": "Waiting for the census data"}
    )
    await world.deliver()
    assert "went to the supervision office" in world.slack.dm("U0HEADB")[-1].all_text()
    assert "extension_requested" in await world.events("DB-2026-0001")


async def test_list_and_show_with_timeline(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 第一项 due 12-10")
    await world.command("U0LEADER", "assign <@U0HEADB> Second item due 12-11")
    [notice] = world.slack.dm("U0HEADA")
    await world.click("U0HEADA", notice, ACK)

    mine = await world.command("U0HEADA", "列表")
    assert "DB-2026-0001" in mine.message.all_text() and "DB-2026-0002" not in mine.message.all_text()
    everything = await world.command("U0LEADER", "list all")
    assert "DB-2026-0001" in everything.message.all_text() and "DB-2026-0002" in everything.message.all_text()
    theirs = await world.command("U0LEADER", "list <@U0HEADB>")
    assert "DB-2026-0002" in theirs.message.all_text() and "DB-2026-0001" not in theirs.message.all_text()

    shown = await world.command("U0HEADA", "查看 1")
    text = shown.message.all_text()
    assert "DB-2026-0001" in text and "办理过程" in text
    assert "登记立项" in text and "签收" in text
    assert "2026-11-26 10:00" in text  # timeline times in the reader's timezone

    # The overdue list is computed from the clock, not from somebody touching the item.
    world.advance(days=15)
    overdue = await world.command("U0LEADER", "list overdue")
    assert "DB-2026-0001" in overdue.message.all_text()
    assert "已逾期" in overdue.message.all_text()


async def test_english_speakers_get_english(world: World) -> None:
    reply = await world.command("U0DEPUTY", "help")
    assert "Assign" in reply.message.all_text()
    await world.command("U0LEADER", "lang en")
    reply = await world.command("U0LEADER", "show 99")
    assert "There is no item DB-2026-0099" in reply.text


async def test_many_simultaneous_assignments_get_gap_free_numbers(world: World) -> None:
    replies = await asyncio.gather(
        *(world.slack.slash("U0LEADER", f"assign <@U0HEADA> Task {n} due 12-31") for n in range(12))
    )
    assert all(r.status == 200 for r in replies)
    numbers = sorted(r.number for r in await world.rows(select(ItemRow)))
    assert numbers == [f"DB-2026-{n:04d}" for n in range(1, 13)]


async def test_a_known_owner_with_a_stale_profile_is_looked_up_only_after_the_ack(world: World) -> None:
    async with world.runtime.sessions.begin() as session:  # every profile a year old
        await session.execute(update(UserRow).values(refreshed_at=world.clock.now() - timedelta(days=365)))
    await world.command("U0LEADER", "help")  # in-process, Bolt checks its token on the first request
    world.slack.slow_api(5)
    try:
        reply = await world.command("U0LEADER", "assign <@U0HEADA> 修订预案 due 12-15")
        assert reply.elapsed < 3, reply.elapsed  # no users.info between the request and its answer
        assert "DB-2026-0001" in reply.text
    finally:
        world.slack.slow_api(0)
