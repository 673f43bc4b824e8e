"""Gap-free yearly sequence for the unified item number (统一编号 DB-<year>-<seq>)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import is_postgres
from storage.models import NumberCounterRow


async def allocate_seq(session: AsyncSession, year: int) -> int:
    """The next sequence number of ``year``, inside the caller's transaction (never commits).

    The counter row is created if missing (``ON CONFLICT DO NOTHING``: concurrent creators wait
    for each other and one wins), then incremented with ``UPDATE … RETURNING``. On PostgreSQL the
    row lock taken by the UPDATE serialises allocators until their transactions end, and READ
    COMMITTED re-reads the committed value after the wait, so numbers are unique across processes;
    a rollback undoes the increment, so no gap is left. SQLite is serialised by BEGIN IMMEDIATE.
    """
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    await session.execute(
        dialect_insert(NumberCounterRow)
        .values(year=year, last_seq=0)
        .on_conflict_do_nothing(index_elements=[NumberCounterRow.year])
    )
    result = await session.execute(
        update(NumberCounterRow)
        .where(NumberCounterRow.year == year)
        .values(last_seq=NumberCounterRow.last_seq + 1)
        .returning(NumberCounterRow.last_seq)
        # Core-style UPDATE: there are no loaded counter objects to synchronise.
        .execution_options(synchronize_session=False)
    )
    return int(result.scalar_one())
