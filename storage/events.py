"""The dossier (一事一卷): append-only item events with a per-item gap-free ``seq``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import is_postgres, to_db_utc
from storage.models import ItemEventRow, ItemRow


async def append_event(
    session: AsyncSession,
    *,
    item_id: int,
    kind: str,
    at: datetime,
    actor_id: str | None,
    payload: dict[str, Any],
) -> int:
    """Append one event to ``item_id``'s dossier in the caller's transaction; returns its ``seq``.

    Concurrent appends to one item are serialised by locking the item row first on PostgreSQL
    (``FOR NO KEY UPDATE``: it conflicts with other appenders and with updates of the item, but not with
    foreign-key checks of rows that merely reference the item). SQLite has no row locks and needs none:
    BEGIN IMMEDIATE already serialises writers. The next ``seq`` is computed inside the INSERT itself
    (``INSERT … SELECT … RETURNING``), so an event costs one statement on SQLite and two on PostgreSQL.
    """
    await session.flush()  # the item (and earlier events) may still be pending in the session
    if is_postgres(session):
        locked = await session.execute(
            select(ItemRow.id).where(ItemRow.id == item_id).with_for_update(key_share=True)
        )
        if locked.scalar_one_or_none() is None:
            raise LookupError(f"item {item_id} does not exist")
    events, items = ItemEventRow.__table__, ItemRow.__table__
    next_seq = (
        select(func.coalesce(func.max(events.c.seq), 0) + 1)
        .where(events.c.item_id == item_id)
        .scalar_subquery()
    )
    row = select(
        items.c.id,
        next_seq,
        bindparam("at", to_db_utc(at), type_=events.c.at.type),
        bindparam("actor_id", actor_id, type_=events.c.actor_id.type),
        bindparam("kind", kind, type_=events.c.kind.type),
        bindparam("payload", payload, type_=events.c.payload.type),
    ).where(items.c.id == item_id)
    inserted = await session.execute(
        insert(events)
        .from_select(["item_id", "seq", "at", "actor_id", "kind", "payload"], row)
        .returning(events.c.seq)
    )
    seq = inserted.scalar_one_or_none()
    if seq is None:
        raise LookupError(f"item {item_id} does not exist")
    return int(seq)


async def list_events(session: AsyncSession, item_id: int) -> list[ItemEventRow]:
    """The dossier of ``item_id`` in order."""
    rows = await session.scalars(
        select(ItemEventRow).where(ItemEventRow.item_id == item_id).order_by(ItemEventRow.seq)
    )
    return list(rows)
