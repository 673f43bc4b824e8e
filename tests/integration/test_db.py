"""Engine set-up: URL normalisation, SQLite pragmas and BEGIN IMMEDIATE, ping, dialect checks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import as_utc, create_engine, is_postgres, normalise_url, ping, to_db_utc
from storage.models import InboundRequestRow


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/duban", "postgresql+asyncpg://u:p@db:5432/duban"),
        ("postgresql://u@db/duban", "postgresql+asyncpg://u@db/duban"),
        ("postgresql+psycopg2://u@db/duban", "postgresql+asyncpg://u@db/duban"),
        ("postgresql+asyncpg://u@db/duban", "postgresql+asyncpg://u@db/duban"),
        ("postgres://u@db/duban?sslmode=require", "postgresql+asyncpg://u@db/duban?ssl=require"),
        ("sqlite:///duban.db", "sqlite+aiosqlite:///duban.db"),
        ("sqlite:////abs/duban.db", "sqlite+aiosqlite:////abs/duban.db"),
        ("sqlite+aiosqlite:///duban.db", "sqlite+aiosqlite:///duban.db"),
    ],
)
def test_normalise_url(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=False) == expected


async def test_ping_and_dialect(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    assert await ping(engine)
    async with session_factory() as session:
        assert is_postgres(session) == (engine.dialect.name == "postgresql")
    async with engine.connect() as conn:
        assert is_postgres(conn) == is_postgres(engine)


async def test_ping_is_false_when_unreachable() -> None:
    engine = create_engine("postgresql://nobody@127.0.0.1:1/none")
    try:
        assert not await ping(engine)
    finally:
        await engine.dispose()


async def test_sqlite_pragmas(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 30000
    finally:
        await engine.dispose()


async def test_read_then_write_transactions_queue_instead_of_deadlocking(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The classic SQLite deadlock (two readers upgrading to writers) cannot happen: BEGIN IMMEDIATE."""
    now = datetime(2025, 1, 1, tzinfo=UTC)

    async def read_then_write(i: int) -> None:
        async with session_factory.begin() as session:
            await session.scalar(select(InboundRequestRow).limit(1))
            await asyncio.sleep(0.01)  # both are "inside" their read before either writes
            session.add(InboundRequestRow(key=f"k{i}", received_at=now))

    await asyncio.gather(*(read_then_write(i) for i in range(10)))
    async with session_factory() as session:
        assert len((await session.scalars(select(InboundRequestRow))).all()) == 10


async def test_instants_are_stored_as_utc(session_factory: async_sessionmaker[AsyncSession]) -> None:
    shanghai = timezone(timedelta(hours=8))
    instant = datetime(2025, 1, 1, 8, 0, tzinfo=shanghai)
    async with session_factory.begin() as session:
        session.add(InboundRequestRow(key="k", received_at=to_db_utc(instant)))
    async with session_factory() as session:
        stored = await session.scalar(select(InboundRequestRow.received_at))
    assert stored is not None and as_utc(stored) == instant
    with pytest.raises(ValueError):
        to_db_utc(datetime(2025, 1, 1))


async def test_a_write_waits_for_another_program_holding_the_sqlite_write_lock(tmp_path) -> None:
    """BEGIN IMMEDIATE runs on the event loop only when the lock is free; held by another program (a
    backup, a console), the write waits for it off the loop and then goes through."""
    import sqlite3

    from storage.migrate import upgrade
    from storage.uow import unit_of_work

    path = tmp_path / "locked.db"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    engine = create_engine(url)
    try:
        from storage.db import make_session_factory

        sessions = make_session_factory(engine)

        async def write() -> None:
            async with unit_of_work(sessions) as uow:
                uow.session.add(InboundRequestRow(key="after-the-other", received_at=datetime.now(UTC)))

        writing = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not writing.done()  # waiting, and the loop is free meanwhile (this line runs)
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 10)
        async with sessions() as session:
            assert await session.scalar(select(InboundRequestRow.key)) == "after-the-other"
    finally:
        other.close()
        await engine.dispose()
