"""The outbox: every Slack Web API call is a row written in the business transaction.

Producers call :func:`enqueue` inside their own transaction. The dispatcher
(``bot.dispatcher``) then claims due rows with a lease, sends them and records the outcome, each
step in its own short transaction so no database lock is held during HTTP calls.

Row life cycle: ``pending`` → (claim) ``sending`` → ``sent`` | ``failed`` | back to ``pending``
(retry or release). A ``sending`` row whose lease (``claimed_until``) has passed belongs to a
worker that died; any worker may claim it again. Every ``mark_*`` is fenced: it only applies
while the row is still ``sending`` under the same claim (worker id and attempt number), so a
worker whose lease ran out can never overwrite the outcome of the worker that took over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import is_postgres, to_db_utc
from storage.models import OutboxRow, SlackMessageRow

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class ClaimedSend:
    """A row this worker holds a lease on; ``attempts`` counts this attempt and fences the claim."""

    id: int
    idem_key: str
    method: str
    payload: dict[str, Any]
    attempts: int
    item_id: int | None = None
    purpose: str | None = None
    recipient_id: str | None = None
    # A previous attempt may have reached Slack without us learning so (a worker died mid-send, a timeout):
    # look for the message before sending it again.
    in_doubt: bool = False


# Errors after which Slack may or may not have acted: our exceptions (timeouts, dropped connections) and
# HTTP 5xx. Slack's own error codes (lower_snake_case) mean the call was refused and did nothing.
_IN_DOUBT_ERROR = re.compile(r"^(?:[A-Z]\w*(?:Error|Exception|Timeout)\b|http_5)")
# Written when an in-doubt claim is given back unsent (pacing, a halted token): the doubt must survive the
# release, or the next claim would post blind (found by the kill -9 soak: a dead worker's batch to one DM).
STILL_IN_DOUBT = "in_doubt: given back unsent after a claim that may have reached Slack"


def _was_in_doubt(status: str, last_error: str | None) -> bool:
    if status == SENDING or last_error == STILL_IN_DOUBT:
        return True
    return bool(last_error and _IN_DOUBT_ERROR.match(last_error))


def _insert_for(session: AsyncSession) -> Any:
    return postgresql.insert if is_postgres(session) else sqlite.insert


async def enqueue(
    session: AsyncSession,
    *,
    idem_key: str,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    item_id: int | None = None,
    purpose: str | None = None,
    recipient_id: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a pending send in the caller's transaction. False if ``idem_key`` is already queued.

    ``INSERT … ON CONFLICT (idem_key) DO NOTHING`` makes a replayed command or a second sweep a
    no-op without aborting the caller's transaction (a plain INSERT would raise and, on
    PostgreSQL, poison the whole transaction).
    """
    now = to_db_utc(now)
    due = max(now, to_db_utc(not_before)) if not_before is not None else now
    row = {
        "idem_key": idem_key,
        "method": method,
        "payload": payload,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": now,
        "item_id": item_id,
        "purpose": purpose,
        "recipient_id": recipient_id,
    }
    result = await session.execute(_enqueue_statement(session), row)
    return result.scalar_one_or_none() is not None


_ENQUEUE: dict[bool, Any] = {}


def _enqueue_statement(session: AsyncSession) -> Any:
    """``INSERT … ON CONFLICT (idem_key) DO NOTHING RETURNING id`` for this dialect, built once (its cache
    key is then memoised; every write that notifies someone runs it)."""
    postgres = is_postgres(session)
    if postgres not in _ENQUEUE:
        table = OutboxRow.__table__
        _ENQUEUE[postgres] = (
            _insert_for(session)(table)
            .on_conflict_do_nothing(index_elements=[table.c.idem_key])
            .returning(table.c.id)
        )
    return _ENQUEUE[postgres]


async def enqueue_many(session: AsyncSession, calls: Sequence[Any], *, now: datetime) -> int:
    """:func:`enqueue` for many calls (``OutgoingCall`` values) in multi-row statements; returns how many
    were new (a key already queued is skipped, as one ``enqueue`` would)."""
    if not calls:
        return 0
    at = to_db_utc(now)
    rows = [
        {
            "idem_key": call.idem_key,
            "method": call.method,
            "payload": call.payload,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": max(at, to_db_utc(call.not_before)) if call.not_before is not None else at,
            "created_at": at,
            "item_id": call.item_id,
            "purpose": call.purpose,
            "recipient_id": call.recipient_id,
        }
        for call in calls
    ]
    statement = _enqueue_statement(session)
    return len((await session.execute(statement, rows)).all())  # one cached executemany (insertmanyvalues)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= now),
        # A crashed worker's lease ran out: the row is fair game again.
        and_(OutboxRow.status == SENDING, OutboxRow.claimed_until < now),
    )


async def claim_due(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    worker_id: str,
    limit: int,
    lease: timedelta,
) -> list[ClaimedSend]:
    """Lease up to ``limit`` due rows to ``worker_id`` (oldest due first) in one short transaction.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets concurrent workers take disjoint batches without
    waiting on each other. SQLite: BEGIN IMMEDIATE serialises claimers, which is equivalent.
    """
    now = to_db_utc(now)
    async with session_factory.begin() as session:
        picked = (
            select(OutboxRow.id, OutboxRow.status, OutboxRow.last_error)
            .where(_due(now))
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if is_postgres(session):
            picked = picked.with_for_update(skip_locked=True)
        before = {row.id: _was_in_doubt(row.status, row.last_error) for row in await session.execute(picked)}
        ids = list(before)
        if not ids:
            return []
        rows = await session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids))
            .values(
                status=SENDING,
                claimed_by=worker_id,
                claimed_until=now + lease,
                attempts=OutboxRow.attempts + 1,
            )
            .returning(
                OutboxRow.id,
                OutboxRow.idem_key,
                OutboxRow.method,
                OutboxRow.payload,
                OutboxRow.attempts,
                OutboxRow.item_id,
                OutboxRow.purpose,
                OutboxRow.recipient_id,
            )
            .execution_options(synchronize_session=False)
        )
        claimed = {row.id: ClaimedSend(**row._asdict(), in_doubt=before[row.id]) for row in rows}
    return [claimed[i] for i in ids if i in claimed]  # keep the due order


def _fenced(send_id: int, worker_id: str, attempts: int | None) -> ColumnElement[bool]:
    cond = and_(OutboxRow.id == send_id, OutboxRow.status == SENDING, OutboxRow.claimed_by == worker_id)
    return and_(cond, OutboxRow.attempts == attempts) if attempts is not None else cond


async def mark_sent(
    session_factory: async_sessionmaker[AsyncSession],
    send_id: int,
    *,
    worker_id: str,
    result: dict[str, Any],
    now: datetime,
    attempts: int | None = None,
) -> bool:
    """Record a successful send; False if the claim was lost meanwhile (nothing is changed then).

    When the row belongs to an item and a purpose and ``result`` names the ``channel`` and ``ts``
    of a message, a ``slack_messages`` row is written in the same transaction (threads, updates).
    """
    now = to_db_utc(now)
    async with session_factory.begin() as session:
        row = (
            await session.execute(
                update(OutboxRow)
                .where(_fenced(send_id, worker_id, attempts))
                .values(status=SENT, sent_at=now, result=result, claimed_until=None)
                .returning(OutboxRow.item_id, OutboxRow.purpose, OutboxRow.recipient_id)
                .execution_options(synchronize_session=False)
            )
        ).one_or_none()
        if row is None:
            return False
        channel, ts = result.get("channel"), result.get("ts")
        if row.item_id is not None and row.purpose and isinstance(channel, str) and isinstance(ts, str):
            # chat.update answers with the ts of the message it edited: keep the first row.
            await session.execute(
                _insert_for(session)(SlackMessageRow)
                .values(
                    item_id=row.item_id,
                    purpose=row.purpose,
                    user_id=row.recipient_id,
                    channel=channel,
                    ts=ts,
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=[SlackMessageRow.channel, SlackMessageRow.ts])
            )
    return True


async def mark_retry(
    session_factory: async_sessionmaker[AsyncSession],
    send_id: int,
    *,
    worker_id: str,
    error: str,
    next_attempt_at: datetime,
    attempts: int | None = None,
    count_attempt: bool = True,
) -> bool:
    """Put the row back to ``pending`` until ``next_attempt_at``.

    ``count_attempt=False`` (rate limiting) gives the attempt back: being told to wait is not a
    failure of the message and must not push it towards ``max_attempts``.
    """
    values: dict[str, Any] = {
        "status": PENDING,
        "next_attempt_at": to_db_utc(next_attempt_at),
        "last_error": error,
        "claimed_until": None,
    }
    if not count_attempt:
        values["attempts"] = OutboxRow.attempts - 1
    return await _apply(session_factory, send_id, worker_id, attempts, values)


async def release(
    session_factory: async_sessionmaker[AsyncSession],
    send_id: int,
    *,
    worker_id: str,
    next_attempt_at: datetime,
    attempts: int | None = None,
    in_doubt: bool = False,
) -> bool:
    """Give back a claimed row that was not attempted (pacing), uncounted; an in-doubt claim stays so."""
    values: dict[str, Any] = {
        "status": PENDING,
        "next_attempt_at": to_db_utc(next_attempt_at),
        "claimed_until": None,
        "attempts": OutboxRow.attempts - 1,
    }
    if in_doubt:
        values["last_error"] = STILL_IN_DOUBT
    return await _apply(session_factory, send_id, worker_id, attempts, values)


async def release_many(
    session_factory: async_sessionmaker[AsyncSession],
    releases: Sequence[tuple[int, datetime, int, bool]],
    *,
    worker_id: str,
) -> int:
    """:func:`release` for many ``(id, next_attempt_at, attempts, in_doubt)`` claims in one transaction (one
    executemany); returns how many were still this worker's to give back."""
    if not releases:
        return 0
    table = OutboxRow.__table__
    stmt = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.status == SENDING,
            table.c.claimed_by == worker_id,
            table.c.attempts == bindparam("b_attempts"),
        )
        .values(
            status=PENDING,
            next_attempt_at=bindparam("b_next", type_=table.c.next_attempt_at.type),
            claimed_until=None,
            attempts=table.c.attempts - 1,
            # NULL keeps the row's own error; an in-doubt claim writes STILL_IN_DOUBT.
            last_error=func.coalesce(bindparam("b_doubt", type_=table.c.last_error.type), table.c.last_error),
        )
    )
    ids = [send_id for send_id, _, _, _ in releases]
    async with session_factory.begin() as session:
        await session.execute(
            stmt,
            [
                {
                    "b_id": send_id,
                    "b_next": to_db_utc(at),
                    "b_attempts": attempts,
                    "b_doubt": STILL_IN_DOUBT if in_doubt else None,
                }
                for send_id, at, attempts, in_doubt in releases
            ],
        )
        # Released by this statement: back to pending and still marked as this worker's last claim.
        given_back = await session.scalar(
            select(func.count())
            .select_from(table)
            .where(table.c.id.in_(ids), table.c.status == PENDING, table.c.claimed_by == worker_id)
        )
    return int(given_back or 0)


async def mark_failed(
    session_factory: async_sessionmaker[AsyncSession],
    send_id: int,
    *,
    worker_id: str,
    error: str,
    now: datetime,
    attempts: int | None = None,
) -> bool:
    """Give up on the row for good (permanent Slack error, or retries exhausted)."""
    to_db_utc(now)  # same contract as the other marks: an aware instant
    values: dict[str, Any] = {"status": FAILED, "last_error": error, "claimed_until": None}
    return await _apply(session_factory, send_id, worker_id, attempts, values)


async def _apply(
    session_factory: async_sessionmaker[AsyncSession],
    send_id: int,
    worker_id: str,
    attempts: int | None,
    values: dict[str, Any],
) -> bool:
    async with session_factory.begin() as session:
        result = await session.execute(
            update(OutboxRow)
            .where(_fenced(send_id, worker_id, attempts))
            .values(**values)
            .returning(OutboxRow.id)
            .execution_options(synchronize_session=False)
        )
        return result.scalar_one_or_none() is not None


async def pending_count(session_factory: async_sessionmaker[AsyncSession]) -> int:
    """Sends not yet finished: ``pending`` (due or scheduled later) plus ``sending``."""
    async with session_factory() as session:
        count = await session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status.in_((PENDING, SENDING)))
        )
        return int(count or 0)


async def failed_sends(session_factory: async_sessionmaker[AsyncSession], limit: int = 50) -> list[OutboxRow]:
    """The most recent failed sends, newest first (for the supervision office's attention)."""
    async with session_factory() as session:
        rows = await session.scalars(
            select(OutboxRow).where(OutboxRow.status == FAILED).order_by(OutboxRow.id.desc()).limit(limit)
        )
        return list(rows)
