"""立项登记 + 交办: register an item and issue its supervision notices, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from bot.domain import lifecycle, permissions
from bot.domain.cadence import parse_cadence
from bot.domain.calendar import WorkCalendar
from bot.domain.commands import UserRef
from bot.domain.due_dates import DueReading, default_due, read_due
from bot.domain.errors import DomainError, DuplicateRequest, raise_all
from bot.domain.items import (
    REQUIREMENTS_MAX,
    TITLE_MAX,
    Item,
    ItemRef,
    SourceKind,
)
from bot.domain.people import Person
from bot.domain.register import RegisterFields, check_register, read_received
from bot.notifications import NoticeKind
from bot.services.base import Service
from bot.services.calendar_admin import date_notes, tell_office_of_computed_years
from bot.services.dossier import append_to_dossier
from bot.services.proposals import needs_approval, send_proposal

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AssignRequest:
    lead: UserRef
    co: tuple[UserRef, ...] = ()
    title: str = ""
    requirements: str = ""
    due_text: str | None = None
    due_date: date | None = None
    source: SourceKind | None = None
    confidential: bool = False
    fyi: bool = False
    urgent: bool = False
    parent: ItemRef | None = None
    cadence: str | None = None  # routine check-in rhythm, e.g. "every mon 09:00" / "每周一"
    received: str | date | None = None  # 收文日期, as typed or picked
    doc_number: str = ""  # 文号
    basis: str = ""  # 立项依据
    # A modal has no channel to answer in: the assigner gets the confirmation as a DM.
    confirm_to_assigner: bool = False


@dataclass(slots=True)
class AssignResult:
    item: Item
    owners: list[Person]
    created: bool = True  # False when the same request had already been handled
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)


@dataclass(slots=True)
class _Plan:
    """Everything an assignment needs, read and checked before its write transaction."""

    actor: Person
    owners: list[Person]
    title: str
    cadence: str | None
    now: datetime
    today: date
    calendar: WorkCalendar
    parent_id: int | None
    register: RegisterFields
    due: date
    warnings: list[tuple[str, dict[str, object]]]


class AssignService(Service):
    async def assign(self, actor_id: str, request: AssignRequest, *, request_key: str | None) -> AssignResult:
        # Who is asking, the owners, the calendar and the parent: one read-only transaction, all before
        # the write transaction that takes the number.
        # The shared read ends before the write begins: no request holds two connections at once.
        async with self.ctx.one_read():
            plan = await self._prepare(actor_id, request, request_key)
        if isinstance(plan, AssignResult):
            return plan
        return await self._write(plan, request, request_key)

    async def _prepare(
        self, actor_id: str, request: AssignRequest, request_key: str | None
    ) -> _Plan | AssignResult:
        actor = await self.authorised(actor_id, permissions.Action.ASSIGN)
        # Every field is checked before anything is refused: a form shows all its errors at once.
        errors: list[DomainError] = []
        title = " ".join(request.title.split())
        if not title:
            errors.append(DomainError("empty_title", field="title"))
        elif len(title) > TITLE_MAX:
            errors.append(DomainError("title_too_long", length=len(title), max=TITLE_MAX, field="title"))
        if len(request.requirements) > REQUIREMENTS_MAX:
            errors.append(
                DomainError(
                    "requirements_too_long",
                    length=len(request.requirements),
                    max=REQUIREMENTS_MAX,
                    field="requirements",
                )
            )
        owners = await self._owners(request, errors)
        cadence = self._checked(errors, self._cadence, request.cadence)

        # Reading and checking happen before the write transaction (which holds the number counter's
        # lock until it commits): the calendar, the deadline, the parent item.
        now, today = self.ctx.now(), self.ctx.today()
        async with self.ctx.read() as ro:
            if request_key and (existing := await ro.items.find_by_request_key(request_key)):
                return AssignResult(existing, owners, created=False)
            calendar = await self.ctx.calendar(ro)
            parent_id = None
            if request.parent is not None:
                parent = await ro.items.get_by_number(request.parent.resolve(today.year))
                if parent is None or not lifecycle.is_open(parent):
                    errors.append(
                        DomainError(
                            "item_not_found", ref=str(request.parent.resolve(today.year)), field="parent"
                        )
                    )
                else:
                    parent_id = parent.id
        register = self._checked(
            errors,
            lambda: check_register(
                RegisterFields(read_received(request.received, today), request.doc_number, request.basis)
            ),
        )
        reading = self._checked(errors, self._due, request, today, calendar)
        raise_all(errors)
        assert reading is not None and register is not None
        due = reading.day
        warnings = date_notes(calendar, reading, deadline=True)
        return _Plan(actor, owners, title, cadence, now, today, calendar, parent_id, register, due, warnings)

    async def _write(self, plan: _Plan, request: AssignRequest, request_key: str | None) -> AssignResult:
        actor, owners, title, cadence, now = plan.actor, plan.owners, plan.title, plan.cadence, plan.now
        today, calendar, parent_id, register, due = (
            plan.today,
            plan.calendar,
            plan.parent_id,
            plan.register,
            plan.due,
        )
        warnings = plan.warnings
        try:
            # A request replayed since the check above is stopped by the unique request key (below).
            async with self.ctx.number_turn, self.ctx.uow() as uow:
                if calendar.provisional_years:
                    await tell_office_of_computed_years(self.people, uow, calendar.provisional_years, now)
                item, events = Item.register(
                    actor.user_id,
                    now,
                    number=await uow.items.next_number(today.year),
                    title=title,
                    requirements=request.requirements.strip(),
                    source=request.source or SourceKind.LEADER_INSTRUCTION,
                    owner_ids=[p.user_id for p in owners],
                    due=due,
                    fields=register,
                    confidential=request.confidential,
                    fyi=request.fyi,
                    urgent=request.urgent,
                    parent_id=parent_id,
                    cadence=cadence,
                )
                proposing = needs_approval(self.ctx, actor, item)  # 拟办呈批 before 交办
                if proposing:
                    events += item.submit_for_approval(actor.user_id, now)
                else:
                    events += item.issue(actor.user_id, now)
                await uow.items.add(item, request_key=request_key, now=now)
                await append_to_dossier(uow.events, item, events)
                if proposing:
                    await send_proposal(self.ctx, uow, item, now)
                else:
                    data = {"tz": self.ctx.settings.timezone}
                    for person in owners:
                        await self.notifier.send(uow, NoticeKind.NOTICE, item, person, now=now, data=data)
                result = AssignResult(item, owners, warnings=warnings)
                if request.confirm_to_assigner:
                    data = {"owners": owners, "warnings": warnings}
                    await self.notifier.send(uow, NoticeKind.ASSIGNED, item, actor, now=now, data=data)
        except DuplicateRequest:
            # The same request raced itself (a retried or replayed request on another replica): the
            # unique request key stopped the second one; answer with the item the first one made.
            if request_key:
                async with self.ctx.uow() as uow:
                    if existing := await uow.items.find_by_request_key(request_key):
                        return AssignResult(existing, owners, created=False)
            raise
        return result

    async def _owners(self, request: AssignRequest, errors: list[DomainError]) -> list[Person]:
        owners: list[Person] = []
        for index, ref in enumerate((request.lead, *request.co)):
            try:
                person = await self.people.resolve_owner(ref, field="lead" if index == 0 else "co")
            except DomainError as error:
                errors.append(error)
                continue
            if any(o.user_id == person.user_id for o in owners):
                errors.append(DomainError("duplicate_owner", name=person.name, field="co"))
                continue
            owners.append(person)
        return owners

    @staticmethod
    def _checked(errors: list[DomainError], check: Callable[..., T], *args: Any) -> T | None:
        """``check(*args)``, its refusal collected with the other fields' rather than raised."""
        try:
            return check(*args)
        except DomainError as error:
            errors.append(error)
            return None

    @staticmethod
    def _cadence(text: str | None) -> str | None:
        """Validate the cadence now (a field error), store it as typed."""
        if not text:
            return None
        try:
            parse_cadence(text)
        except DomainError as error:
            error.field = error.field or "cadence"
            raise
        return " ".join(text.split())

    @staticmethod
    def _due(request: AssignRequest, today: date, calendar: WorkCalendar) -> DueReading:
        try:
            if request.due_date is not None:
                if request.due_date < today:
                    past = request.due_date.isoformat()
                    raise DomainError("date_in_past", date=past, today=today.isoformat(), field="due")
                return DueReading(request.due_date)
            if request.due_text:
                return read_due(request.due_text, today, calendar)
            return DueReading(default_due(today, calendar))
        except DomainError as error:
            error.field = error.field or "due"
            raise
