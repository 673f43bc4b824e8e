"""Seeding many items inside the database: one ``INSERT … SELECT`` over ``generate_series`` (PostgreSQL)
or a recursive CTE (SQLite), so a million open items take seconds rather than a million round trips.

Values that need Duban's column types (instants, JSON) are bound as parameters of those types, so the
rows read back exactly like rows the application wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import ASSIGNER, START
from storage.models import ItemRow

_ITEMS = ItemRow.__table__
CHUNK = 200_000  # rows per statement (keeps each transaction and its WAL modest)


@dataclass(frozen=True, slots=True)
class SqlBatch:
    """Items with ids ``first_id``… numbered DB-<year>-<id>; the lead cycles over ``owner_count`` bench users
    (``UBENCH0001``…, see ``bench.common.bench_users``)."""

    first_id: int
    count: int
    owner_count: int
    state: str = "in_progress"
    due: date = date(2026, 12, 28)
    next_urge_at: datetime | None = None
    created_at: datetime = START
    year: int = 2026


def _series(dialect: str, first: int, last: int) -> tuple[str, str]:
    """(a prefix, a FROM clause) yielding ``g`` from first to last inclusive."""
    if dialect == "postgresql":
        return "", f"generate_series({first}, {last}) AS s(g)"
    return f"WITH RECURSIVE s(g) AS (SELECT {first} UNION ALL SELECT g + 1 FROM s WHERE g < {last}) ", "s"


def _owner(dialect: str, owners: int) -> str:
    if dialect == "postgresql":
        return f"'UBENCH' || lpad(((g % {owners}) + 1)::text, 4, '0')"
    return f"'UBENCH' || printf('%04d', (g % {owners}) + 1)"


async def insert_items_sql(engine: AsyncEngine, batch: SqlBatch) -> None:
    """Insert ``batch`` (items and their lead-owner rows) with server-side generated rows."""
    dialect = engine.dialect.name
    cast = "g" if dialect == "sqlite" else "g::text"
    number = f"'DB-{int(batch.year)}-' || {cast}"
    title = f"'基准测试事项 benchmark item ' || {cast}"
    for start in range(batch.first_id, batch.first_id + batch.count, CHUNK):
        last = min(start + CHUNK, batch.first_id + batch.count) - 1
        prefix, source = _series(dialect, start, last)
        items = text(
            f"{prefix}INSERT INTO items (id, number, year, seq, title, requirements, source, state, "
            "assigner_id, original_due, current_due, confidential, fyi, urgent, created_at, updated_at, "
            "next_urge_at, urge_plan, version, kind, urge_round, return_count) "
            f"SELECT g, {number}, {int(batch.year)}, g, {title}, '按期报送落实情况。', 'meeting_decision', "
            ":state, :assigner, :due, :due, false, false, false, :created, :created, :next, :plan, 0, "
            "'regular', 0, 0 "
            f"FROM {source}"
        ).bindparams(
            bindparam("created", type_=_ITEMS.c.created_at.type),
            bindparam("next", type_=_ITEMS.c.next_urge_at.type),
            bindparam("plan", type_=_ITEMS.c.urge_plan.type),
            bindparam("due", type_=_ITEMS.c.current_due.type),
        )
        owners = text(
            f"{prefix}INSERT INTO item_owners (item_id, user_id, role, position) "
            f"SELECT g, {_owner(dialect, batch.owner_count)}, 'lead', 0 FROM {source}"
        )
        async with engine.begin() as conn:
            await conn.execute(
                items,
                {
                    "state": batch.state,
                    "assigner": ASSIGNER,
                    "due": batch.due,
                    "created": batch.created_at,
                    "next": batch.next_urge_at,
                    "plan": {},
                },
            )
            await conn.execute(owners)
    if dialect == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(
                text("SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT max(id) FROM items))")
            )
