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
