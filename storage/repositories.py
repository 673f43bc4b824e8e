"""Repositories: map rows to domain objects and back. They never commit; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, Role, SourceKind
from bot.domain.lifecycle import OPEN_STATES
from bot.domain.people import Department, Person
from storage.events import append_event, list_events
from storage.models import (
    CalendarOverrideRow,
    CalendarYearRow,
    DepartmentMemberRow,
    DepartmentRow,
    ItemOwnerRow,
    ItemRow,
    RoleRow,
    SlackMessageRow,
    UserRow,
)
from storage.numbering import allocate_seq
from storage.outbox import _insert_for

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
        state=row.state,
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
        urge_plan=dict(row.urge_plan or {}),
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
            state=item.state,
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
            **{name: getattr(item, name) for name in _MUTABLE},
        )
        self.session.add(row)
        await self.session.flush()
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
        if for_update:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        return await self._load(row) if row else None

    async def get_by_number(self, number: ItemNumber, *, for_update: bool = False) -> Item | None:
        stmt = select(ItemRow).where(ItemRow.year == number.year, ItemRow.seq == number.seq)
        if for_update:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        return await self._load(row) if row else None

    async def save(self, item: Item, *, now: datetime) -> None:
        """Write back the mutable parts; the version column rejects a concurrent writer."""
        assert item.id is not None
        row = await self.session.get(ItemRow, item.id)
        assert row is not None
        row.state = item.state
        row.current_due = item.current_due
        row.original_due = item.original_due
        row.requirements = item.requirements
        row.title = item.title
        row.source = item.source.value
        row.confidential = item.confidential
        row.completed_at = item.completed_at
        for name in _MUTABLE:
            setattr(row, name, getattr(item, name))
        row.updated_at = now
        owner_rows = {
            r.user_id: r
            for r in await self.session.scalars(select(ItemOwnerRow).where(ItemOwnerRow.item_id == item.id))
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
        owners = await self.session.scalars(select(ItemOwnerRow).where(ItemOwnerRow.item_id == row.id))
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


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: str) -> tuple[Person, datetime | None] | None:
        """The person and when their Slack profile was last refreshed."""
        row = await self.session.get(UserRow, user_id)
        if row is None:
            return None
        return await self._person(row), row.refreshed_at

    async def find_by_name(self, name: str) -> list[Person]:
        lowered = name.lower()
        rows = await self.session.scalars(
            select(UserRow).where(
                or_(func.lower(UserRow.name) == lowered, func.lower(UserRow.real_name) == lowered),
                UserRow.deleted.is_(False),
            )
        )
        return [await self._person(r) for r in rows]

    async def upsert(
        self,
        person: Person,
        *,
        real_name: str = "",
        slack_locale: str | None,
        now: datetime,
        email: str | None = None,
    ) -> None:
        row = await self.session.get(UserRow, person.user_id)
        if row is None:
            row = UserRow(user_id=person.user_id)
            self.session.add(row)
        row.name = person.name
        row.real_name = real_name
        if email:
            row.email = email
        row.locale = slack_locale
        row.tz = person.tz
        row.deleted = person.deleted
        row.is_bot = person.is_bot
        row.refreshed_at = now
        await self.session.flush()

    async def set_preferred_locale(self, user_id: str, locale: str) -> None:
        row = await self.session.get(UserRow, user_id)
        if row is not None:
            row.preferred_locale = locale

    async def grant(self, user_id: str, role: Role, *, by: str | None, now: datetime) -> None:
        if await self.session.get(RoleRow, (user_id, role.value)) is None:
            self.session.add(RoleRow(user_id=user_id, role=role.value, granted_by=by, granted_at=now))
            await self.session.flush()

    async def ensure_user(self, user_id: str) -> None:
        """A placeholder row (the id as name, never refreshed) so a role can be granted before the person
        has used Duban; their Slack profile fills it in later. Replicas starting together may race here."""
        await self.session.execute(
            _insert_for(self.session)(UserRow)
            .values(user_id=user_id, name=user_id, real_name="", deleted=False, is_bot=False)
            .on_conflict_do_nothing(index_elements=[UserRow.user_id])
        )

    async def sync_configured_roles(self, configured: dict[Role, tuple[str, ...]], *, now: datetime) -> None:
        """Make the environment-granted roles exactly ``configured``: grant what is missing, drop 'env'
        grants no longer listed. Grants made by command are never touched. Safe for replicas starting
        at the same moment (conflicting inserts are no-ops)."""
        for role, user_ids in configured.items():
            wanted = set(user_ids)
            rows = await self.session.scalars(select(RoleRow).where(RoleRow.role == role.value))
            held = {row.user_id: row for row in rows}
            for user_id, row in held.items():
                if row.source == "env" and user_id not in wanted:
                    await self.session.delete(row)
            for user_id in sorted(wanted - held.keys()):
                await self.ensure_user(user_id)
                await self.session.execute(
                    _insert_for(self.session)(RoleRow)
                    .values(user_id=user_id, role=role.value, granted_by=None, granted_at=now, source="env")
                    .on_conflict_do_nothing(index_elements=[RoleRow.user_id, RoleRow.role])
                )
        await self.session.flush()

    async def users_with_role(self, role: Role) -> list[str]:
        return list(await self.session.scalars(select(RoleRow.user_id).where(RoleRow.role == role.value)))

    async def upsert_department(self, department: Department) -> Department:
        row = await self.session.scalar(select(DepartmentRow).where(DepartmentRow.code == department.code))
        if row is None:
            row = DepartmentRow(code=department.code)
            self.session.add(row)
        row.name_zh, row.name_en, row.head_user_id = (
            department.name_zh,
            department.name_en,
            department.head_user_id,
        )
        await self.session.flush()
        department.id = row.id
        return department

    async def add_member(self, department_id: int, user_id: str) -> None:
        if await self.session.get(DepartmentMemberRow, (department_id, user_id)) is None:
            self.session.add(DepartmentMemberRow(department_id=department_id, user_id=user_id))
            await self.session.flush()

    async def departments_of(self, user_id: str) -> list[Department]:
        rows = await self.session.scalars(
            select(DepartmentRow)
            .join(DepartmentMemberRow, DepartmentMemberRow.department_id == DepartmentRow.id)
            .where(DepartmentMemberRow.user_id == user_id)
        )
        return [
            Department(r.id, r.code, r.name_zh, r.name_en, r.head_user_id, r.leader_user_id, r.usergroup)
            for r in rows
        ]

    async def _person(self, row: UserRow) -> Person:
        roles = await self.session.scalars(select(RoleRow.role).where(RoleRow.user_id == row.user_id))
        departments = await self.session.scalars(
            select(DepartmentMemberRow.department_id).where(DepartmentMemberRow.user_id == row.user_id)
        )
        return Person(
            user_id=row.user_id,
            name=row.name,
            locale=row.preferred_locale or row.locale or "",
            tz=row.tz,
            deleted=row.deleted,
            is_bot=row.is_bot,
            roles={Role(r) for r in roles},
            department_ids=list(departments),
        )


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def overrides(self) -> dict[date, bool]:
        rows = await self.session.scalars(select(CalendarOverrideRow))
        return {r.day: r.is_workday for r in rows}

    async def confirmed_years(self) -> set[int]:
        return set(await self.session.scalars(select(CalendarYearRow.year)))

    async def set_override(self, day: date, is_workday: bool, note: str, *, by: str, now: datetime) -> None:
        row = await self.session.get(CalendarOverrideRow, day)
        if row is None:
            row = CalendarOverrideRow(day=day)
            self.session.add(row)
        row.is_workday, row.note, row.created_by, row.created_at = is_workday, note, by, now
        await self.session.flush()

    async def clear_override(self, day: date, until: date | None = None) -> int:
        """Remove the overrides from ``day`` to ``until`` (inclusive); how many there were."""
        result = await self.session.execute(
            delete(CalendarOverrideRow).where(
                CalendarOverrideRow.day >= day, CalendarOverrideRow.day <= (until or day)
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def confirm_year(self, year: int, *, by: str, now: datetime) -> None:
        if await self.session.get(CalendarYearRow, year) is None:
            self.session.add(CalendarYearRow(year=year, confirmed_by=by, confirmed_at=now))
            await self.session.flush()

    async def confirmation(self, year: int) -> tuple[str | None, datetime | None] | None:
        """Who confirmed ``year`` and when, or ``None`` if nobody did."""
        row = await self.session.get(CalendarYearRow, year)
        return (row.confirmed_by, row.confirmed_at) if row is not None else None

    async def override_details(self, year: int) -> dict[date, tuple[str, str | None, datetime | None]]:
        """The overrides of ``year``: day -> (note, entered by, entered at)."""
        rows = await self.session.scalars(
            select(CalendarOverrideRow).where(
                CalendarOverrideRow.day >= date(year, 1, 1), CalendarOverrideRow.day <= date(year, 12, 31)
            )
        )
        return {r.day: (r.note, r.created_by, r.created_at) for r in rows}

    async def list_overrides(self, year: int) -> list[tuple[date, bool, str]]:
        rows = await self.session.scalars(
            select(CalendarOverrideRow)
            .where(CalendarOverrideRow.day >= date(year, 1, 1), CalendarOverrideRow.day <= date(year, 12, 31))
            .order_by(CalendarOverrideRow.day)
        )
        return [(r.day, r.is_workday, r.note) for r in rows]


class SlackMessageRepository:
    """Where item messages landed in Slack (recorded by the dispatcher once sent)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, item_id: int, purpose: str, user_id: str | None = None) -> tuple[str, str] | None:
        stmt = select(SlackMessageRow).where(
            SlackMessageRow.item_id == item_id, SlackMessageRow.purpose == purpose
        )
        if user_id is not None:
            stmt = stmt.where(SlackMessageRow.user_id == user_id)
        row = await self.session.scalar(stmt.order_by(SlackMessageRow.id.desc()).limit(1))
        return (row.channel, row.ts) if row else None

    async def item_for(self, channel: str, ts: str) -> tuple[int, str, str | None] | None:
        """The item, purpose and recipient a Slack message belongs to (for thread replies)."""
        row = await self.session.scalar(
            select(SlackMessageRow).where(SlackMessageRow.channel == channel, SlackMessageRow.ts == ts)
        )
        return (row.item_id, row.purpose, row.user_id) if row and row.item_id else None
