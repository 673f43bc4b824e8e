"""延期: owners ask, the supervision office (or a leader) decides; an approval moves the current
deadline — never the original one — and re-plans the urging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain import lifecycle, permissions
from bot.domain.due_dates import DueReading, read_due
from bot.domain.errors import DomainError, NotFound, PermissionDenied, raise_all
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemRef
from bot.domain.ports import UnitOfWork
from bot.domain.urge_records import ExtensionRequest
from bot.notifications import NoticeKind
from bot.services.base import Service
from bot.services.calendar_admin import date_notes, tell_office_of_computed_years
from bot.services.follow_through import owner_answered


@dataclass(slots=True)
class ExtensionResult:
    item: Item
    request: ExtensionRequest
    created: bool = True
    # For the requester: the date rolled into next year, is a day off, or lies in a computed year.
    notes: list[tuple[str, dict[str, object]]] = field(default_factory=list)


class ExtensionService(Service):
    async def parse_date(self, text: str) -> DueReading:
        """A date typed by a user (``12-20``, ``Dec 31``, ``5wd``, ``下周五`` …), against today's calendar."""
        async with self.ctx.uow() as uow:
            calendar = await self.ctx.calendar(uow)
        return read_due(text, self.ctx.today(), calendar)

    async def request(
        self,
        actor_id: str,
        ref: ItemRef | int,
        new_due: date | DueReading,
        reason: str,
        *,
        request_key: str | None,
    ) -> ExtensionResult:
        reason = reason.strip()
        reading = new_due if isinstance(new_due, DueReading) else DueReading(new_due)
        async with self.ctx.uow() as uow:
            item = await _item(uow, ref, self.ctx.today().year)
            if not reason:  # the form shows every wrong field at once: a date not later is said too
                missing = DomainError("missing_value", option="reason", command="extend", field="reason")
                raise_all([missing, *_not_later(item, reading.day)])
            result = await self.request_in(uow, actor_id, item, reading.day, reason, request_key=request_key)
            calendar = await self.ctx.calendar(uow)
            result.notes = date_notes(calendar, reading, deadline=True)
            if years := calendar.provisional_years:
                await tell_office_of_computed_years(self.people, uow, years, self.ctx.now())
        return result

    async def request_in(
        self,
        uow: UnitOfWork,
        actor_id: str,
        item: Item,
        new_due: date,
        reason: str,
        *,
        request_key: str | None,
        owners_only: bool = True,
    ) -> ExtensionResult:
        """The request inside the caller's transaction (the written notice's answer uses it too, for the
        department head it was sent to, who is not always an owner)."""
        now = self.ctx.now()
        assert item.id is not None
        if owners_only and item.owner(actor_id) is None:
            raise DomainError("not_owner", number=str(item.number))
        if not lifecycle.is_open(item):
            raise DomainError("not_urgeable", number=str(item.number), state=item.state)
        raise_all(_not_later(item, new_due))
        if await uow.urging.pending_extensions(item.id):
            raise DomainError("extension_pending", number=str(item.number))
        request = ExtensionRequest(None, item.id, actor_id, new_due, reason, now)
        stored = await uow.urging.add_extension(request, request_key=request_key)
        if stored is None:
            [existing] = (await uow.urging.pending_extensions(item.id)) or [request]
            return ExtensionResult(item, existing, created=False)
        assert stored.id is not None
        await uow.urging.answer_open(item.id, actor_id, answer="extension", now=now)
        item.replan_urging(now)  # the urging ladder now runs against the promised date
        await uow.items.save(item, now=now)
        await owner_answered(self.people, uow, item, actor_id, now)  # escalations are settled
        await uow.events.append(
            item.id,
            ItemEvent(
                EventKind.EXTENSION_REQUESTED,
                now,
                actor_id,
                {
                    "request": stored.id,
                    "from": item.current_due.isoformat(),
                    "to": new_due.isoformat(),
                    "reason": reason,
                },
            ),
        )
        await self.notifier.send_all(
            uow,
            NoticeKind.EXTENSION,
            item,
            now=now,
            key={"request": stored.id},
            data={"request": stored.id, "extra": {"requester": actor_id, "new": new_due, "reason": reason}},
        )
        return ExtensionResult(item, stored)

    async def decide(
        self, actor_id: str, request_id: int, *, approve: bool, note: str = ""
    ) -> ExtensionResult:
        await self.authorised(actor_id, permissions.Action.DECIDE_EXTENSION)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            request = await uow.urging.extension(request_id, for_update=True)
            if request is None:
                raise NotFound("item_not_found", ref=str(request_id))
            item = await uow.items.get(request.item_id, for_update=True)
            assert item is not None and item.id is not None
            if request.requester_id == actor_id:
                raise PermissionDenied("own_extension")
            if not lifecycle.is_open(item):
                raise DomainError("not_urgeable", number=str(item.number), state=item.state)
            if request.status != "pending":
                raise DomainError("extension_decided", status=request.status)
            old = item.current_due
            request.status = "approved" if approve else "refused"
            request.decided_by, request.decided_at, request.decision_note = actor_id, now, note
            await uow.urging.decide_extension(request)
            events = item.extend(
                actor_id,
                now,
                request_id=request.id,
                requested_due=request.requested_due,
                approved=approve,
                note=note,
            )
            await self.save(uow, item, events, now=now)
            await self._tell(uow, item, request, old, now)
        return ExtensionResult(item, request)

    async def extend_by_office(
        self, actor_id: str, item_id: int, new_due: date, reason: str
    ) -> ExtensionResult:
        """From an escalation: the office or a leader moves the deadline directly (recorded as approved)."""
        await self.authorised(actor_id, permissions.Action.DECIDE_EXTENSION)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            item = await _item(uow, item_id, self.ctx.today().year)
            assert item.id is not None
            if not lifecycle.is_open(item):
                raise DomainError("not_urgeable", number=str(item.number), state=item.state)
            if new_due <= max(item.current_due, self.ctx.today()):
                raise DomainError(
                    "extension_not_later",
                    date=new_due.isoformat(),
                    current=item.current_due.isoformat(),
                    field="new_date",
                )
            old = item.current_due
            request = ExtensionRequest(
                None, item.id, actor_id, new_due, reason, now, "approved", actor_id, now
            )
            await uow.urging.add_extension(request, request_key=None)
            events = item.extend(
                actor_id, now, request_id=request.id, requested_due=new_due, approved=True, note=reason
            )
            await self.save(uow, item, events, now=now)
            await self._tell(uow, item, request, old, now)
        return ExtensionResult(item, request)

    async def _tell(
        self, uow: UnitOfWork, item: Item, request: ExtensionRequest, old: date, now: object
    ) -> None:
        """The owners learn the decision (the requester included)."""
        assert item.id is not None and request.id is not None
        await self.notifier.send_all(
            uow,
            NoticeKind.EXTENSION_DECIDED,
            item,
            now=self.ctx.now(),
            key={"request": request.id},
            data={"request": request, "old": old},
            also=(request.requester_id,),
        )


async def _item(uow: UnitOfWork, ref: ItemRef | int, year: int) -> Item:
    if isinstance(ref, int):
        item = await uow.items.get(ref, for_update=True)
        label = str(ref)
    else:
        number = ref.resolve(year)
        item = await uow.items.get_by_number(number, for_update=True)
        label = str(number)
    if item is None:
        raise NotFound("item_not_found", ref=label)
    return item


def _not_later(item: Item, new_due: date) -> list[DomainError]:
    """An extension must move the deadline later."""
    if new_due > item.current_due:
        return []
    current = item.current_due.isoformat()
    return [DomainError("extension_not_later", date=new_due.isoformat(), current=current, field="new_date")]
