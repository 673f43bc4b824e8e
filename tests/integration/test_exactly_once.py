"""Exactly once for posted messages: a send that may already have reached Slack (the worker died between
Slack's answer and recording it, or the call timed out) is looked up by its key before it is sent again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery_check import with_send_key
from bot.dispatcher import OutboxDispatcher
from bot.domain.clock import ManualClock
from bot.emulator.driver import SlackEmulator
from storage import outbox
from storage.models import OutboxRow
from tests.integration.factories import T0

TOKEN = "xoxb-exactly-once"
LEASE = timedelta(seconds=60)


@pytest.fixture
async def slack() -> AsyncIterator[SlackEmulator]:
    emulator = SlackEmulator(signing_secret="unused", bot_token=TOKEN)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


async def _queue(sf: async_sessionmaker[AsyncSession], key: str, channel: str, **extra: object) -> None:
    async with sf.begin() as session:
        await outbox.enqueue(
            session,
            idem_key=key,
            method="chat.postMessage",
            payload={"channel": channel, "text": f"urging {key}", **extra},
            now=T0,
        )


def _dispatcher(
    sf: async_sessionmaker[AsyncSession], slack: SlackEmulator, clock: ManualClock
) -> OutboxDispatcher:
    client = AsyncWebClient(token=TOKEN, base_url=slack.api_url)
    return OutboxDispatcher(sf, client, clock, worker_id="survivor", lease=LEASE)


async def _dead_worker_sends(
    sf: async_sessionmaker[AsyncSession], slack: SlackEmulator, *, reach_slack: bool
) -> str | None:
    """A worker claims the row and (maybe) posts it, then dies before recording anything."""
    [send] = await outbox.claim_due(sf, now=T0, worker_id="dead", limit=10, lease=LEASE)
    if not reach_slack:
        return None
    client = AsyncWebClient(token=TOKEN, base_url=slack.api_url)
    response = await client.api_call("chat.postMessage", json=with_send_key(send))
    return str(response["ts"])


@pytest.mark.parametrize("channel", ["U0HEADA", "C0BULLETIN"], ids=["dm", "channel"])
async def test_a_send_that_reached_slack_before_the_crash_is_recorded_not_repeated(
    session_factory: async_sessionmaker[AsyncSession], slack: SlackEmulator, channel: str
) -> None:
    await _queue(session_factory, "urge:1:checkin", channel)
    posted_ts = await _dead_worker_sends(session_factory, slack, reach_slack=True)
    clock = ManualClock(T0 + LEASE + timedelta(seconds=1))  # the dead worker's lease has run out

    stats = await _dispatcher(session_factory, slack, clock).drain()

    assert stats.recovered == 1 and stats.sent == 0
    assert len(slack.calls_to("chat.postMessage")) == 1  # never posted again
    async with session_factory() as session:
        row = await session.scalar(select(OutboxRow))
    assert row is not None and row.status == "sent" and row.result["ts"] == posted_ts


async def test_a_send_that_never_reached_slack_is_sent_once(
    session_factory: async_sessionmaker[AsyncSession], slack: SlackEmulator
) -> None:
    await _queue(session_factory, "urge:2:checkin", "U0HEADA")
    await _dead_worker_sends(session_factory, slack, reach_slack=False)
    clock = ManualClock(T0 + LEASE + timedelta(seconds=1))

    stats = await _dispatcher(session_factory, slack, clock).drain()

    assert stats.recovered == 0 and stats.sent == 1
    [post] = slack.calls_to("chat.postMessage")
    assert post.params["metadata"]["event_payload"]["duban_key"] == "urge:2:checkin"


async def test_a_timed_out_send_is_looked_up_before_it_is_retried(
    session_factory: async_sessionmaker[AsyncSession], slack: SlackEmulator
) -> None:
    await _queue(session_factory, "urge:3:checkin", "U0HEADA")
    [send] = await outbox.claim_due(session_factory, now=T0, worker_id="w", limit=10, lease=LEASE)
    client = AsyncWebClient(token=TOKEN, base_url=slack.api_url)
    await client.api_call("chat.postMessage", json=with_send_key(send))  # Slack posted it …
    await outbox.mark_retry(  # … but our side only saw a timeout
        session_factory,
        send.id,
        worker_id="w",
        error="TimeoutError: ",
        next_attempt_at=T0,
        attempts=send.attempts,
    )
    stats = await _dispatcher(session_factory, slack, ManualClock(T0)).drain()
    assert stats.recovered == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_a_slack_refusal_is_not_in_doubt(
    session_factory: async_sessionmaker[AsyncSession], slack: SlackEmulator
) -> None:
    await _queue(session_factory, "urge:4:checkin", "U0HEADA")
    [send] = await outbox.claim_due(session_factory, now=T0, worker_id="w", limit=10, lease=LEASE)
    await outbox.mark_retry(
        session_factory,
        send.id,
        worker_id="w",
        error="internal_error",
        next_attempt_at=T0,
        attempts=send.attempts,
    )
    [again] = await outbox.claim_due(session_factory, now=T0, worker_id="w", limit=10, lease=LEASE)
    assert again.in_doubt is False
    assert slack.calls_to("conversations.history") == []


async def test_in_doubt_sends_held_back_by_pacing_stay_in_doubt(
    session_factory: async_sessionmaker[AsyncSession], slack: SlackEmulator
) -> None:
    """A dead worker's batch to one DM: pacing lets one through per second and gives the rest back; the ones
    given back must still be looked up, not posted blind (the kill -9 soak's doubled manual urging)."""
    keys = [f"urge:{n}:manual" for n in range(5, 9)]
    for key in keys:
        await _queue(session_factory, key, "U0STAFFA")
    client = AsyncWebClient(token=TOKEN, base_url=slack.api_url)
    for send in await outbox.claim_due(session_factory, now=T0, worker_id="dead", limit=10, lease=LEASE):
        await client.api_call("chat.postMessage", json=with_send_key(send))  # posted, then the worker died
    clock = ManualClock(T0 + LEASE + timedelta(seconds=1))
    dispatcher = _dispatcher(session_factory, slack, clock)

    recovered = 0
    for _ in range(len(keys) * 3):
        recovered += (await dispatcher.run_once()).recovered
        clock.advance(timedelta(seconds=1))

    assert recovered == len(keys)
    assert len(slack.calls_to("chat.postMessage")) == len(keys)  # each once, by the dead worker
    async with session_factory() as session:
        statuses = set(await session.scalars(select(OutboxRow.status)))
    assert statuses == {"sent"}


async def test_a_send_buried_under_later_messages_is_still_found(
    session_factory: async_sessionmaker[AsyncSession], slack: SlackEmulator
) -> None:
    """The lookup pages back: 250 later messages in the DM do not hide the dead worker's post."""
    await _queue(session_factory, "urge:9:checkin", "U0STAFFA")
    await _dead_worker_sends(session_factory, slack, reach_slack=True)
    client = AsyncWebClient(token=TOKEN, base_url=slack.api_url)
    for n in range(250):
        await client.chat_postMessage(channel="U0STAFFA", text=f"later {n}")

    stats = await _dispatcher(session_factory, slack, ManualClock(T0 + LEASE + timedelta(seconds=1))).drain()

    assert stats.recovered == 1 and stats.sent == 0
    assert len(slack.calls_to("chat.postMessage")) == 251
