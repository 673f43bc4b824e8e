"""Unified numbers: unique and gap-free under concurrency, across engines (processes)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import make_session_factory
from storage.numbering import allocate_seq


class _Abort(Exception):
    pass


async def _allocate(sf: async_sessionmaker[AsyncSession], year: int, *, abort: bool = False) -> int | None:
    try:
        async with sf.begin() as session:
            seq = await allocate_seq(session, year)
            await asyncio.sleep(0.001)  # hold the counter lock across a scheduling point
            if abort:
                raise _Abort
            return seq
    except _Abort:
        return None


async def test_concurrent_allocations_across_two_engines_are_1_to_50(
    engine_factory: Callable[[], AsyncEngine],
) -> None:
    factories = [make_session_factory(engine_factory()), make_session_factory(engine_factory())]
    seqs = await asyncio.gather(*(_allocate(factories[i % 2], 2025) for i in range(50)))
    assert sorted(s for s in seqs if s is not None) == list(range(1, 51))


async def test_rolled_back_allocation_leaves_no_gap(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    assert await _allocate(session_factory, 2025) == 1
    assert await _allocate(session_factory, 2025, abort=True) is None
    assert await _allocate(session_factory, 2025) == 2


async def test_concurrent_rollbacks_leave_no_gap(engine_factory: Callable[[], AsyncEngine]) -> None:
    factories = [make_session_factory(engine_factory()), make_session_factory(engine_factory())]
    results = await asyncio.gather(
        *(_allocate(factories[i % 2], 2025, abort=(i % 3 == 0)) for i in range(30))
    )
    committed = sorted(s for s in results if s is not None)
    assert committed == list(range(1, len(committed) + 1))
    assert await _allocate(factories[0], 2025) == len(committed) + 1


async def test_years_are_independent(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as session:
        assert [await allocate_seq(session, 2025) for _ in range(3)] == [1, 2, 3]
        assert await allocate_seq(session, 2026) == 1


async def test_allocation_leaves_commit_to_the_caller(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        assert await allocate_seq(session, 2024) == 1
        # closing without commit rolls back: the number was never issued
    assert await _allocate(session_factory, 2024) == 1
