"""Outbox storage: idempotent enqueue, leases, fencing of outcomes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import outbox
from storage.db import as_utc
from storage.models import OutboxRow, SlackMessageRow
from tests.integration.factories import T0, make_item

LEASE = timedelta(seconds=60)


async def _enqueue(sf: async_sessionmaker[AsyncSession], key: str, **kw: object) -> bool:
    async with sf.begin() as session:
        return await outbox.enqueue(
            session,
            idem_key=key,
            method="chat.postMessage",
            payload={"channel": "C1", "text": key},
            now=T0,
            **kw,
        )


async def _rows(sf: async_sessionmaker[AsyncSession]) -> list[OutboxRow]:
    async with sf() as session:
        return list((await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all())


async def test_enqueue_is_idempotent_by_key(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as session:
        assert await outbox.enqueue(
            session, idem_key="k", method="chat.postMessage", payload={"a": 1}, now=T0
        )
        assert not await outbox.enqueue(
            session, idem_key="k", method="chat.postMessage", payload={"a": 2}, now=T0
        )
        # The duplicate did not poison the transaction (it would on PostgreSQL with a plain INSERT).
        assert await outbox.enqueue(session, idem_key="k2", method="chat.update", payload={}, now=T0)
    assert not await _enqueue(session_factory, "k")
    rows = await _rows(session_factory)
    assert [(r.idem_key, r.payload, r.status, r.attempts) for r in rows] == [
        ("k", {"a": 1}, "pending", 0),
        ("k2", {}, "pending", 0),
    ]
    assert await outbox.pending_count(session_factory) == 2


async def test_racing_enqueues_of_one_key_insert_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    results = await asyncio.gather(*(_enqueue(session_factory, "same") for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]
    assert len(await _rows(session_factory)) == 1


async def test_claim_respects_not_before_and_order(session_factory: async_sessionmaker[AsyncSession]) -> None:
    await _enqueue(session_factory, "later", not_before=T0 + timedelta(minutes=5))
    await _enqueue(session_factory, "now")
    claimed = await outbox.claim_due(
        session_factory, now=T0, worker_id="w1", limit=10, lease=timedelta(minutes=10)
    )
    assert [c.idem_key for c in claimed] == ["now"]
    assert claimed[0].attempts == 1 and claimed[0].payload == {"channel": "C1", "text": "now"}
    assert await outbox.claim_due(session_factory, now=T0, worker_id="w2", limit=10, lease=LEASE) == []
    later = await outbox.claim_due(
        session_factory, now=T0 + timedelta(minutes=5), worker_id="w2", limit=10, lease=LEASE
    )
    assert [c.idem_key for c in later] == ["later"]


async def test_expired_lease_is_reclaimed_and_the_old_claim_is_fenced(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _enqueue(session_factory, "k")
    [first] = await outbox.claim_due(session_factory, now=T0, worker_id="dead", limit=10, lease=LEASE)
    assert (
        await outbox.claim_due(
            session_factory, now=T0 + timedelta(seconds=59), worker_id="w2", limit=10, lease=LEASE
        )
        == []
    )
    [second] = await outbox.claim_due(
        session_factory, now=T0 + timedelta(seconds=61), worker_id="w2", limit=10, lease=LEASE
    )
    assert second.id == first.id and second.attempts == 2
    # The first worker wakes up: its outcome must not overwrite the new claim.
    assert not await outbox.mark_sent(
        session_factory, first.id, worker_id="dead", result={"ok": True}, now=T0
    )
    assert await outbox.mark_sent(
        session_factory, second.id, worker_id="w2", result={"ok": True}, now=T0, attempts=second.attempts
    )
    [row] = await _rows(session_factory)
    assert row.status == "sent" and as_utc(row.sent_at) == T0 and row.claimed_by == "w2"


async def test_mark_sent_records_where_the_message_landed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as session:
        item_id = await make_item(session)
        await outbox.enqueue(
            session,
            idem_key="notice",
            method="chat.postMessage",
            payload={"channel": "U9"},
            now=T0,
            item_id=item_id,
            purpose="notice",
            recipient_id="U9",
        )
    [send] = await outbox.claim_due(session_factory, now=T0, worker_id="w", limit=5, lease=LEASE)
    assert (send.item_id, send.purpose, send.recipient_id) == (item_id, "notice", "U9")
    result = {"ok": True, "channel": "D123", "ts": "1.000100"}
    assert await outbox.mark_sent(session_factory, send.id, worker_id="w", result=result, now=T0)
    async with session_factory() as session:
        [msg] = (await session.scalars(select(SlackMessageRow))).all()
    assert (msg.item_id, msg.purpose, msg.user_id, msg.channel, msg.ts) == (
        item_id,
        "notice",
        "U9",
        "D123",
        "1.000100",
    )


async def test_retry_release_and_failure(session_factory: async_sessionmaker[AsyncSession]) -> None:
    for key in ("a", "b", "c"):
        await _enqueue(session_factory, key)
    a, b, c = await outbox.claim_due(session_factory, now=T0, worker_id="w", limit=5, lease=LEASE)
    assert await outbox.mark_retry(
        session_factory, a.id, worker_id="w", error="http_500", next_attempt_at=T0 + timedelta(seconds=1)
    )
    assert await outbox.release(
        session_factory, b.id, worker_id="w", next_attempt_at=T0 + timedelta(seconds=2)
    )
    assert await outbox.mark_failed(session_factory, c.id, worker_id="w", error="user_not_found", now=T0)
    assert not await outbox.mark_failed(session_factory, c.id, worker_id="w", error="again", now=T0)
    ra, rb, rc = await _rows(session_factory)
    assert (ra.status, ra.attempts, ra.last_error, as_utc(ra.next_attempt_at)) == (
        "pending",
        1,
        "http_500",
        T0 + timedelta(seconds=1),
    )
    assert (rb.status, rb.attempts, rb.last_error) == ("pending", 0, None)
    assert (rc.status, rc.last_error) == ("failed", "user_not_found")
    assert [r.idem_key for r in await outbox.failed_sends(session_factory)] == ["c"]
    assert await outbox.pending_count(session_factory) == 2
