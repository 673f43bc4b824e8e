"""The ``pacing`` table: Slack budgets shared by every replica, taken atomically.

Each key holds GCRA's theoretical arrival time (``next_at``, seconds since the epoch): a call on a key with
emission ``interval`` and burst ``tolerance`` may go when ``next_at - tolerance <= now``, and taking it moves
``next_at`` to ``max(next_at, now) + interval``. This is a token bucket of ``tolerance / interval + 1`` tokens
kept in one number, so a whole decision is one short transaction: the rows of a call's keys are locked
(``FOR UPDATE`` in key order on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises writers), checked and
moved together, so two replicas can never both take the last slot of a channel or of the workspace budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import is_postgres
from storage.models import PacingRow

EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class Budget:
    key: str
    interval: float  # seconds between calls at the sustained rate
    tolerance: float = 0.0  # how far ahead of the sustained rate a burst may run


async def _locked(session: AsyncSession, keys: Sequence[str]) -> dict[str, float]:
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
    await session.execute(
        insert(PacingRow).values([{"key": k, "next_at": 0.0} for k in keys]).on_conflict_do_nothing()
    )
    query = select(PacingRow.key, PacingRow.next_at).where(PacingRow.key.in_(keys)).order_by(PacingRow.key)
    if is_postgres(session):
        query = query.with_for_update()
    return {row.key: float(row.next_at) for row in await session.execute(query)}


async def take(
    session_factory: async_sessionmaker[AsyncSession], budgets: Sequence[Budget], now: float
) -> float:
    """Take one call on every budget at once and return 0, or take nothing and return the seconds to wait."""
    budgets = sorted({b.key: b for b in budgets}.values(), key=lambda b: b.key)
    if not budgets:
        return 0.0
    async with session_factory.begin() as session:
        current = await _locked(session, [b.key for b in budgets])
        wait = max(current[b.key] - b.tolerance - now for b in budgets)
        if wait > EPSILON:
            return wait
        for b in budgets:
            await session.execute(
                update(PacingRow)
                .where(PacingRow.key == b.key)
                .values(next_at=max(current[b.key], now) + b.interval)
            )
    return 0.0


async def block(session_factory: async_sessionmaker[AsyncSession], budget: Budget, until: float) -> None:
    """Nobody calls on ``budget`` before ``until`` (Slack answered 429 with Retry-After)."""
    async with session_factory.begin() as session:
        current = (await _locked(session, [budget.key]))[budget.key]
        await session.execute(
            update(PacingRow)
            .where(PacingRow.key == budget.key)
            .values(next_at=max(current, until + budget.tolerance))
        )


async def peek(
    session_factory: async_sessionmaker[AsyncSession], budgets: Sequence[Budget], now: float
) -> float:
    """The seconds until a call on every budget may go (0: now), taking nothing and locking nothing."""
    if not budgets:
        return 0.0
    async with session_factory() as session:
        rows = await session.execute(
            select(PacingRow.key, PacingRow.next_at).where(PacingRow.key.in_([b.key for b in budgets]))
        )
        current = {key: float(next_at) for key, next_at in rows}
    wait = max(current.get(b.key, 0.0) - b.tolerance - now for b in budgets)
    return wait if wait > EPSILON else 0.0
