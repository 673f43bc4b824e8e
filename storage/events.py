"""The dossier (一事一卷): append-only item events with a per-item gap-free ``seq``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import to_db_utc
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

    Concurrent appends to one item are serialised by locking the item row first
    (``FOR NO KEY UPDATE`` on PostgreSQL: it conflicts with other appenders and with updates of the
    item, but not with foreign-key checks of rows that merely reference the item). SQLite has no row
    locks and needs none: BEGIN IMMEDIATE already serialises writers.
    """
    locked = await session.execute(
        select(ItemRow.id).where(ItemRow.id == item_id).with_for_update(key_share=True)
    )
    if locked.scalar_one_or_none() is None:
        raise LookupError(f"item {item_id} does not exist")
    last = await session.execute(
        select(func.coalesce(func.max(ItemEventRow.seq), 0)).where(ItemEventRow.item_id == item_id)
    )
    seq = int(last.scalar_one()) + 1
    session.add(
        ItemEventRow(
            item_id=item_id, seq=seq, at=to_db_utc(at), actor_id=actor_id, kind=kind, payload=payload
        )
    )
    # Flush now so a duplicate seq (a bug, given the lock) surfaces here rather than at commit.
    await session.flush()
    return seq


async def list_events(session: AsyncSession, item_id: int) -> list[ItemEventRow]:
    """The dossier of ``item_id`` in order."""
    rows = await session.scalars(
        select(ItemEventRow).where(ItemEventRow.item_id == item_id).order_by(ItemEventRow.seq)
    )
    return list(rows)
