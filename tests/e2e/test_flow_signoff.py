"""Issue 12 §5: with DUBAN_BULLETIN_SIGNOFF a bulletin (and its criticism list) is a draft for the
principal leader, posted only once signed — exactly once across replicas and restarts."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import build_runtime
from bot.domain.errors import PermissionDenied
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from bot.emulator.state import Message
from messages.signoff import EDIT, PUBLISH
from storage.models import BulletinRow
from tests.e2e.conftest import World, e2e_settings
from tests.e2e.test_reports import open_form, submit


def signing(world: World) -> None:
    ctx = world.runtime.services.ctx
    ctx.settings = replace(ctx.settings, bulletin_signoff=True, principal_leader="U0LEADER")


def posted(world: World) -> list[Message]:
    return [m for m in world.slack.channel_messages(DEMO_BULLETIN_CHANNEL) if not m.files]


def drafts(world: World, user: str) -> list[Message]:
    return [m for m in world.slack.dm(user) if PUBLISH in [b.action_id for b in m.buttons()]]


async def overdue_activity(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案 截止 11月27日")


async def test_the_scheduled_bulletin_waits_for_the_leaders_sign_off(world: World) -> None:
    signing(world)
    await overdue_activity(world)
    world.advance(days=3, hours=23)  # Monday 30 November, 09:00: week 48's bulletin is due
    await world.tick()
    await world.deliver()
    assert posted(world) == [] and world.slack.files == []  # nothing before the sign-off
    [draft] = drafts(world, "U0LEADER")
    assert "2026年第48周" in draft.all_text() and "修订防汛应急预案" in draft.all_text()
    assert drafts(world, "U0DEPUTY") == []  # the principal leader only
    row = await world.scalar(select(BulletinRow))
    assert (row.period_key, row.status) == ("2026-W48", "draft")
    # The sweep again (and a restart) make no second draft.
    world.advance(minutes=5)
    await world.tick()
    await world.deliver()
    assert len(drafts(world, "U0LEADER")) == 1

    await world.click("U0LEADER", draft, PUBLISH)
    [bulletin] = posted(world)
    assert "2026年第48周" in bulletin.all_text()
    assert [f for f in world.slack.files if f.completed]  # the chart goes with it
    assert (await world.scalar(select(BulletinRow))).status == "queued"
    # The draft is stamped; a stale click on an old copy is told when and by whom.
    assert drafts(world, "U0LEADER") == []
    result = await world.runtime.services.publications.bulletins.signoff.sign("U0LEADER", row.id)
    assert not result.signed and result.signed_by == "U0LEADER"
    await world.deliver()
    assert len(posted(world)) == 1


async def test_a_stale_click_gets_a_clear_answer_and_two_replicas_publish_once(world: World) -> None:
    signing(world)
    await overdue_activity(world)
    world.advance(days=3, hours=23)
    await world.tick()
    await world.deliver()
    [draft] = drafts(world, "U0LEADER")
    row = await world.scalar(select(BulletinRow))
    settings = replace(
        e2e_settings(world.runtime.settings.database_url, world.slack.api_url),
        bulletin_signoff=True,
        principal_leader="U0LEADER",
    )
    second = await build_runtime(settings, clock=world.clock, migrate=False)
    try:
        results = await asyncio.gather(
            world.runtime.services.publications.bulletins.signoff.sign("U0LEADER", row.id),
            second.services.publications.bulletins.signoff.sign("U0LEADER", row.id),
        )
        assert sorted(r.signed for r in results) == [False, True]
    finally:
        await second.close()
    await world.deliver()
    assert len(posted(world)) == 1
    # The button on the old copy (before its restamp): a clear answer, nothing posted again.
    await world.slack.click("U0LEADER", draft, PUBLISH)
    await world.slack.settle()
    await world.deliver()
    answer = world.slack.ephemerals("U0LEADER")[-1].all_text()
    assert "已由" in answer and "签发" in answer
    assert len(posted(world)) == 1
    # Only the principal leader signs.
    with pytest.raises(PermissionDenied) as refused:
        await world.runtime.services.publications.bulletins.signoff.sign("U0DEPUTY", row.id)
    assert refused.value.code == "bulletin_signoff_not_yours"


async def test_an_edited_bulletin_carries_the_note_and_may_withhold_the_criticism_list(world: World) -> None:
    signing(world)
    await overdue_activity(world)
    world.advance(days=8)  # Friday 4 December: the item is a week overdue and criticised
    await world.tick()
    await world.deliver()
    reply = await world.command("U0SUPER", "bulletin week post")
    assert "签发" in reply.text and posted(world) == []
    [draft] = [m for m in drafts(world, "U0LEADER") if "第49周" in m.all_text()]
    assert "批评" in draft.all_text() and "修订防汛应急预案" in draft.all_text()
    view = await open_form(world, "U0LEADER", draft, EDIT)
    assert await submit(world, "U0LEADER", view, {"note": "请各单位对照整改", "criticism": "withhold"}) == {}
    [bulletin] = posted(world)
    text = bulletin.all_text()
    assert "请各单位对照整改" in text
    assert "criticism" not in [b.get("block_id") for b in bulletin.blocks]
