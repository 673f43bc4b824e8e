"""A read-only unit of work keeps nothing: PostgreSQL refuses the write (BEGIN READ ONLY), SQLite rolls
it back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import UserRow
from storage.uow import read_only


async def test_a_write_inside_a_read_only_unit_of_work_is_not_kept(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    postgres = session_factory.kw["bind"].dialect.name == "postgresql"
    if postgres:
        with pytest.raises(DBAPIError, match="read-only"):
            async with read_only(session_factory) as uow:
                uow.session.add(UserRow(user_id="U0RO", name="ro"))
                await uow.session.flush()
    else:
        async with read_only(session_factory) as uow:
            uow.session.add(UserRow(user_id="U0RO", name="ro"))
            await uow.session.flush()
    async with session_factory() as session:
        kept = select(func.count()).select_from(UserRow).where(UserRow.user_id == "U0RO")
        assert await session.scalar(kept) == 0


@pytest.mark.parametrize("small", [False, True])
async def test_a_small_read_sees_what_was_committed_and_leaves_no_transaction(
    session_factory: async_sessionmaker[AsyncSession], small: bool
) -> None:
    """``small=True`` runs a SQLite read on the event loop's thread (storage.sqlite_driver): the same
    answers, a writer committing meanwhile is not held up, nothing is left open after."""
    async with session_factory() as session, session.begin():
        session.add(UserRow(user_id="U0SMALL", name="before"))
    count = select(func.count()).select_from(UserRow).where(UserRow.user_id.like("U0SMALL%"))
    async with read_only(session_factory, small=small) as uow:
        driver = (await uow.session.connection()).sync_connection.connection.driver_connection  # type: ignore[union-attr]
        sqlite = session_factory.kw["bind"].dialect.name == "sqlite"
        assert getattr(driver, "inline", False) is (small and sqlite)
        assert await uow.session.scalar(count) == 1
        async with session_factory() as writer, writer.begin():  # the writer is not held up by the reader
            writer.add(UserRow(user_id="U0SMALL2", name="meanwhile"))
        # SQLite's reader keeps its snapshot; PostgreSQL's READ COMMITTED sees each statement's latest
        assert await uow.session.scalar(count) == (1 if sqlite else 2)
    assert getattr(driver, "inline", False) is False
    async with read_only(session_factory, small=small) as uow:
        assert await uow.session.scalar(count) == 2


async def test_a_long_statement_of_a_small_read_moves_to_the_connections_thread(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """A small read's statement that runs past storage.sqlite_driver.INLINE_BUDGET_S on the loop's thread
    is interrupted and run again on the connection's thread: the same answer, the rest of the read there."""
    if session_factory.kw["bind"].dialect.name != "sqlite":
        pytest.skip("SQLite driver behaviour")
    from sqlalchemy import text

    long = text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) "
        "SELECT count(*) FROM c"
    )
    async with read_only(session_factory, small=True) as uow:
        driver = (await uow.session.connection()).sync_connection.connection.driver_connection  # type: ignore[union-attr]
        assert driver.inline is True
        assert await uow.session.scalar(select(func.count()).select_from(UserRow)) == 0
        assert await uow.session.scalar(long) == 300000
        assert driver.inline is False  # moved to the thread for the rest of the transaction
        assert await uow.session.scalar(select(func.count()).select_from(UserRow)) == 0
    assert driver.inline is False
    async with read_only(session_factory, small=True) as uow:  # the next small read starts inline again
        driver = (await uow.session.connection()).sync_connection.connection.driver_connection  # type: ignore[union-attr]
        assert await uow.session.scalar(select(func.count()).select_from(UserRow)) == 0
        assert driver.inline is True
