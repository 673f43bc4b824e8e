"""Repositories: map rows to domain objects and back. They never commit; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, inspect, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import DuplicateRequest
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, SourceKind
from bot.domain.lifecycle import OPEN_STATES, State
from bot.domain.urge_plan import UrgePlan
from storage.events import append_event, list_events, note_item_locked
from storage.models import (
    ItemOwnerRow,
    ItemRow,
)
from storage.numbering import allocate_seq

# Item fields written back by ItemRepository.save (and set on insert) as they are.
_MUTABLE = (
    "kind",
    "cadence",
    "next_urge_at",
    "urge_plan",
    "urge_stage",
    "urge_round",
    "last_urged_at",
    "escalated_at",
    "health",
    "percent_done",
    "return_count",
    "approver_id",
    "reported_at",
    "review_due",
    "archived_at",
    "received_on",
    "doc_number",
    "basis",
)


def _mutable(item: Item) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in _MUTABLE}
    values["urge_plan"] = item.urge_plan.to_dict()
    return values


def _owners(rows: Iterable[ItemOwnerRow]) -> list[Owner]:
    ordered = sorted(rows, key=lambda r: (r.role != OwnerRole.LEAD.value, r.position))
    return [Owner(r.user_id, OwnerRole(r.role), r.acknowledged_at) for r in ordered]


def _to_item(row: ItemRow, owners: Iterable[ItemOwnerRow]) -> Item:
    return Item(
        id=row.id,
        number=ItemNumber(row.year, row.seq),
        title=row.title,
        requirements=row.requirements,
        source=SourceKind(row.source),
        state=State(row.state),
        assigner_id=row.assigner_id,
        owners=_owners(owners),
        original_due=row.original_due,
        current_due=row.current_due,
        created_at=row.created_at,
        confidential=row.confidential,
        fyi=row.fyi,
        urgent=row.urgent,
        parent_id=row.parent_id,
        completed_at=row.completed_at,
        version=row.version,
        kind=row.kind,
        cadence=row.cadence,
        next_urge_at=row.next_urge_at,
        urge_plan=UrgePlan.from_dict(row.urge_plan),
        urge_stage=row.urge_stage,
        urge_round=row.urge_round,
        last_urged_at=row.last_urged_at,
        escalated_at=row.escalated_at,
        health=row.health,
        percent_done=row.percent_done,
        return_count=row.return_count,
        approver_id=row.approver_id,
        reported_at=row.reported_at,
        review_due=row.review_due,
        archived_at=row.archived_at,
        received_on=row.received_on,
        doc_number=row.doc_number or "",
        basis=row.basis or "",
    )


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._owner_rows: dict[int, list[ItemOwnerRow]] = {}  # by item id, as _load read them

    async def next_number(self, year: int) -> ItemNumber:
        return ItemNumber(year, await allocate_seq(self.session, year))

    async def find_by_request_key(self, key: str) -> Item | None:
        row = await self.session.scalar(select(ItemRow).where(ItemRow.request_key == key))
        return await self._load(row) if row else None

    async def add(self, item: Item, *, request_key: str | None, now: datetime) -> Item:
        row = ItemRow(
            number=str(item.number),
            year=item.number.year,
            seq=item.number.seq,
            title=item.title,
            requirements=item.requirements,
            source=item.source.value,
            state=item.state.value,
            assigner_id=item.assigner_id,
            original_due=item.original_due,
            current_due=item.current_due,
            confidential=item.confidential,
            fyi=item.fyi,
            urgent=item.urgent,
            parent_id=item.parent_id,
            created_at=item.created_at,
            updated_at=now,
            request_key=request_key,
            **_mutable(item),
        )
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError as error:
            # The same request raced itself (a retry or replay on another replica): its unique key
            # stopped this second insert. The services see a domain error, never the database's.
            if request_key is not None:
                raise DuplicateRequest(request_key) from error
            raise
        # Inserted by this transaction, the row is invisible to every other until the commit: nobody else
        # can append to its dossier meanwhile (appends skip their row lock, one round trip each).
        note_item_locked(self.session, row.id)
        for position, owner in enumerate(item.owners):
            self.session.add(
                ItemOwnerRow(
                    item_id=row.id,
                    user_id=owner.user_id,
                    role=owner.role.value,
                    position=position,
                    acknowledged_at=owner.acknowledged_at,
                )
            )
        await self.session.flush()
        item.id = row.id
        item.version = row.version
        return item

    async def get(self, item_id: int, *, for_update: bool = False) -> Item | None:
        stmt = select(ItemRow).where(ItemRow.id == item_id)
        return await self._one(stmt.with_for_update() if for_update else stmt, for_update=for_update)

    async def get_by_number(self, number: ItemNumber, *, for_update: bool = False) -> Item | None:
        stmt = select(ItemRow).where(ItemRow.year == number.year, ItemRow.seq == number.seq)
        return await self._one(stmt.with_for_update() if for_update else stmt, for_update=for_update)

    async def _one(self, stmt: Select[tuple[ItemRow]], *, for_update: bool) -> Item | None:
        row = await self.session.scalar(stmt)
        if row is None:
            return None
        if for_update:
            note_item_locked(self.session, row.id)  # its events need no lock of their own
        return await self._load(row)

    async def save(self, item: Item, *, now: datetime) -> None:
        """Write back the mutable parts; the version column rejects a concurrent writer."""
        assert item.id is not None
        row = await self.session.get(ItemRow, item.id)
        assert row is not None
        row.state = item.state.value
        row.current_due = item.current_due
        row.original_due = item.original_due
        row.requirements = item.requirements
        row.title = item.title
        row.source = item.source.value
        row.confidential = item.confidential
        row.completed_at = item.completed_at
        for name, value in _mutable(item).items():
            setattr(row, name, value)
        row.updated_at = now
        owner_rows = {r.user_id: r for r in self._owner_rows.get(item.id, ()) if inspect(r).persistent}
        if any(owner.user_id not in owner_rows for owner in item.owners):  # not loaded here, or changed
            owner_rows = {
                r.user_id: r
                for r in await self.session.scalars(
                    select(ItemOwnerRow).where(ItemOwnerRow.item_id == item.id)
                )
            }
        for owner in item.owners:
            owner_rows[owner.user_id].acknowledged_at = owner.acknowledged_at
        await self.session.flush()
        item.version = row.version

    async def query(
        self,
        *,
        owner_id: str | None = None,
        involving: str | None = None,
        open_only: bool = False,
        due_before: date | None = None,
        limit: int = 50,
    ) -> list[Item]:
        stmt: Select[tuple[ItemRow]] = select(ItemRow)
        if owner_id is not None:
            stmt = stmt.where(
                ItemRow.id.in_(select(ItemOwnerRow.item_id).where(ItemOwnerRow.user_id == owner_id))
            )
        if involving is not None:
            stmt = stmt.where(
                or_(
                    ItemRow.assigner_id == involving,
                    ItemRow.id.in_(select(ItemOwnerRow.item_id).where(ItemOwnerRow.user_id == involving)),
                )
            )
        if open_only:
            stmt = stmt.where(ItemRow.state.in_([s.value for s in OPEN_STATES]))
        if due_before is not None:
            stmt = stmt.where(ItemRow.current_due < due_before)
        stmt = stmt.order_by(ItemRow.current_due, ItemRow.id).limit(limit)
        rows = list(await self.session.scalars(stmt))
        return await self._load_many(rows)

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(ItemRow)) or 0)

    async def _load(self, row: ItemRow) -> Item:
        owners = list(await self.session.scalars(select(ItemOwnerRow).where(ItemOwnerRow.item_id == row.id)))
        self._owner_rows[row.id] = owners  # save() changes these rows without reading them again
        return _to_item(row, owners)

    async def _load_many(self, rows: Sequence[ItemRow]) -> list[Item]:
        if not rows:
            return []
        owners = await self.session.scalars(
            select(ItemOwnerRow).where(ItemOwnerRow.item_id.in_([r.id for r in rows]))
        )
        by_item: dict[int, list[ItemOwnerRow]] = {}
        for owner in owners:
            by_item.setdefault(owner.item_id, []).append(owner)
        return [_to_item(row, by_item.get(row.id, [])) for row in rows]


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def append(self, item_id: int, event: ItemEvent) -> ItemEvent:
        event.seq = await append_event(
            self.session,
            item_id=item_id,
            kind=event.kind.value,
            at=event.at,
            actor_id=event.actor_id,
            payload=event.payload,
        )
        event.item_id = item_id
        return event

    async def for_item(self, item_id: int) -> list[ItemEvent]:
        return [
            ItemEvent(EventKind(r.kind), r.at, r.actor_id, dict(r.payload or {}), r.item_id, r.seq)
            for r in await list_events(self.session, item_id)
        ]
