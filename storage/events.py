"""The dossier (一事一卷): append-only item events with a per-item gap-free ``seq``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import is_postgres, to_db_utc
from storage.models import ItemEventRow, ItemRow

_EVENTS, _ITEMS = ItemEventRow.__table__, ItemRow.__table__
# Built once: a statement object memoises its cache key, which SQLAlchemy otherwise works out again for
# every event appended (a visible share of a write's CPU under load).
_APPEND_EVENT = (
    insert(_EVENTS)
    .from_select(
        ["item_id", "seq", "at", "actor_id", "kind", "payload"],
        select(
            _ITEMS.c.id,
            select(func.coalesce(func.max(_EVENTS.c.seq), 0) + 1)
            .where(_EVENTS.c.item_id == bindparam("event_item"))
            .scalar_subquery(),
            bindparam("event_at", type_=_EVENTS.c.at.type),
            bindparam("event_actor", type_=_EVENTS.c.actor_id.type),
            bindparam("event_kind", type_=_EVENTS.c.kind.type),
            bindparam("event_payload", type_=_EVENTS.c.payload.type),
        ).where(_ITEMS.c.id == bindparam("event_item")),
    )
    .returning(_EVENTS.c.seq)
)
_LOCKED = "duban_locked_items"


def note_item_locked(session: AsyncSession, item_id: int) -> None:
    """No other transaction can append to ``item_id`` until the caller's ends (it holds the row FOR UPDATE,
    or inserted it): appending needs no lock of its own."""
    transaction = session.sync_session.get_transaction()
    held = session.info.get(_LOCKED)
    if held is None or held[0] is not transaction:
        held = session.info[_LOCKED] = (transaction, set())
    held[1].add(item_id)


def _item_locked(session: AsyncSession, item_id: int) -> bool:
    held = session.info.get(_LOCKED)
    return held is not None and held[0] is session.sync_session.get_transaction() and item_id in held[1]


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
    foreign-key checks of rows that merely reference the item), unless the transaction already holds it
    FOR UPDATE (``note_item_locked``: an action that loaded its item to change it). SQLite has no row locks
    and needs none: BEGIN IMMEDIATE already serialises writers. The next ``seq`` is computed inside the
    INSERT itself (``INSERT … SELECT … RETURNING``), so an event costs one statement.
    """
    await session.flush()  # the item (and earlier events) may still be pending in the session
    if is_postgres(session) and not _item_locked(session, item_id):
        locked = await session.execute(
            select(ItemRow.id).where(ItemRow.id == item_id).with_for_update(key_share=True)
        )
        if locked.scalar_one_or_none() is None:
            raise LookupError(f"item {item_id} does not exist")
    inserted = await session.execute(
        _APPEND_EVENT,
        {
            "event_item": item_id,
            "event_at": to_db_utc(at),
            "event_actor": actor_id,
            "event_kind": kind,
            "event_payload": payload,
        },
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
