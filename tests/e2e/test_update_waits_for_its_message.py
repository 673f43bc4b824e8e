"""An update of a message that is not yet recorded as posted waits for it instead of being lost.

Slack delivers the owner's click as soon as the notice appears, which can be before the dispatcher has
committed where the notice landed (the post returned, ``mark_sent`` has not). The CI run of stop 21 lost
the acknowledgement stamp that way: the owner saw the Acknowledge button stay.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.dispatcher import NO_ORIGINAL
from messages.notices import ACK
from storage import outbox
from storage.models import OutboxRow
from tests.e2e.conftest import World

OWNER = "U0HEADA"


async def assign_undelivered(world: World) -> int:
    """Assign an item without letting the outbox deliver anything yet; its id."""
    reply = await world.slack.slash("U0LEADER", f"assign <@{OWNER}> Check the budget due 12-20")
    assert reply.status == 200
    return (await world.item("DB-2026-0001")).id


async def rows(world: World, method: str) -> list[OutboxRow]:
    return [row for row in await world.outbox() if row.method == method]


async def test_an_acknowledgement_before_the_notice_is_posted_stamps_it_once_posted(world: World) -> None:
    item_id = await assign_undelivered(world)
    await world.runtime.services.items.acknowledge(OWNER, item_id)  # e.g. the `/duban ack` command

    await world.deliver()
    [notice] = world.slack.dm(OWNER)
    assert ACK not in [b.action_id for b in notice.buttons()]
    assert "已于" in notice.all_text()
    [update] = await rows(world, "chat.update")
    assert update.status == "sent"
    [call] = world.slack.calls_to("chat.update")
    assert call.params["ts"] == notice.ts and "locate_original" not in call.params


async def test_a_click_while_the_notice_is_being_posted_waits_for_it(world: World) -> None:
    item_id = await assign_undelivered(world)
    # Another worker holds the notice (posting it); the owner acknowledges meanwhile.
    stalled = await outbox.claim_due(
        world.runtime.sessions,
        now=world.clock.now(),
        worker_id="stalled",
        limit=10,
        lease=timedelta(seconds=5),
    )
    assert [send.method for send in stalled] == ["chat.postMessage"]
    await world.runtime.services.items.acknowledge(OWNER, item_id)

    await world.runtime.after_request()
    [update] = await rows(world, "chat.update")
    assert update.status == "pending" and update.attempts == 0  # waiting costs no attempt
    assert world.slack.dm(OWNER) == []

    # The stalled worker's lease runs out; the notice is posted once, then stamped.
    await world.deliver()
    [notice] = world.slack.dm(OWNER)
    assert ACK not in [b.action_id for b in notice.buttons()]
    [update] = await rows(world, "chat.update")
    assert update.status == "sent"
    assert len(world.slack.calls_to("chat.postMessage")) == 1


async def test_an_update_of_a_message_that_was_never_posted_is_dropped(world: World) -> None:
    item_id = await assign_undelivered(world)
    await world.runtime.services.items.acknowledge(OWNER, item_id)
    # The notice fails for good (here: given up by hand) before the stamp goes out.
    async with world.runtime.sessions.begin() as session:
        notice = await session.scalar(select(OutboxRow).where(OutboxRow.method == "chat.postMessage"))
        assert notice is not None
        notice.status = "failed"

    await world.deliver()
    [update] = await rows(world, "chat.update")
    assert (update.status, update.last_error) == ("failed", NO_ORIGINAL)
    assert world.slack.calls_to("chat.update") == []
