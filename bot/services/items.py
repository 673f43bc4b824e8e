"""What owners and readers do with an existing item: acknowledge, list, show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import DomainError, NotFound, UnknownUnit
from bot.domain.events import ItemEvent
from bot.domain.items import Item, ItemNumber, ItemRef, overdue_days
from bot.domain.lifecycle import State
from bot.domain.list_filter import ListFilter, to_query
from bot.domain.people import Person
from bot.domain.permissions import Action as Permission
from bot.domain.permissions import allowed, cleared
from bot.domain.ports import UnitOfWork
from bot.domain.read_models import ItemDetail, Reader
from bot.domain.reports import review_overdue_since
from bot.notifications import NoticeKind
from bot.notifications.updates import update_copy
from bot.services.base import Service


@dataclass(slots=True)
class AckResult:
    item: Item
    at: datetime
    already: bool


@dataclass(slots=True)
class ListResult:
    items: list[ItemDetail]
    total: int
    scope: str
    subject_id: str | None = None
    offset: int = 0
    filter: ListFilter | None = None


def may_see(person: Person, item: Item) -> bool:
    """Confidential items are for their participants, leaders, supervisors and admins only
    (``bot.domain.permissions.cleared``)."""
    return cleared(person, item)


class ItemService(Service):
    def reader(self, person: Person) -> Reader:
        return self.people.reader(person, cleared=cleared(person))

    async def acknowledge(self, actor_id: str, item_id: int) -> AckResult:
        actor = await self.people.actor(actor_id)
        async with self.ctx.uow() as uow:
            item = await uow.items.get(item_id, for_update=True)
            if item is None or not may_see(actor, item):
                raise NotFound("item_not_found", ref=str(item_id))
            owner = item.owner(actor_id)
            if owner is None:
                raise DomainError("not_owner", number=str(item.number))
            if owner.acknowledged_at is not None:
                return AckResult(item, owner.acknowledged_at, already=True)
            now = self.ctx.now()
            events = item.acknowledge(actor_id, now)
            await uow.items.save(item, now=now)
            assert item.id is not None
            for event in events:
                await uow.events.append(item.id, event)
            await uow.urging.answer_open_acks(item.id, actor_id, now=now)  # reminders to acknowledge
            await self._restamp_notice(uow, item, actor, now)
            if item.state is State.CLOSED:
                await self._tell_fyi_closed(uow, item, now)
        return AckResult(item, now, already=False)

    async def _tell_fyi_closed(self, uow: UnitOfWork, item: Item, now: datetime) -> None:
        """The last owner acknowledged an FYI transfer (转办单): the assigner hears it is closed."""
        assert item.id is not None
        await self.notifier.send_all(uow, NoticeKind.FYI_CLOSED, item, now=now)

    async def _restamp_notice(self, uow: UnitOfWork, item: Item, owner: Person, now: datetime) -> None:
        """Replace the Acknowledge button on the owner's notice with who acknowledged when."""
        await update_copy(
            self.notifier,
            uow,
            NoticeKind.NOTICE_ACK,
            item,
            owner,
            sent_for=NoticeKind.NOTICE.value,
            copy_of=owner.user_id,
            now=now,
            data={"tz": self.ctx.settings.timezone, "at": now},
        )

    async def detail(self, actor_id: str, ref: ItemRef | ItemNumber | int) -> ItemDetail:
        actor = await self.people.actor(actor_id)
        async with self.ctx.read() as uow:
            item = await self._find(uow, ref)
            if item is None or not may_see(actor, item):
                raise NotFound("item_not_found", ref=self._label(ref))
            assert item.id is not None
            events = await uow.events.for_item(item.id)
            children = await uow.reports.children(item.id)
            reports = (await uow.reporting.dossier_parts(item.id))["reports"]
            parent = await uow.items.get(item.parent_id) if item.parent_id else None
        today = self.ctx.today()
        return ItemDetail(
            item,
            events,
            overdue_days(item, today),
            children=children,
            review_overdue_since=review_overdue_since(item.state, item.review_due, today),
            reports={int(r["id"]): r for r in reports},
            parent=(
                (str(parent.number), parent.title if may_see(actor, parent) else None)
                if parent is not None
                else None
            ),
        )

    async def entry(self, actor_id: str, item_id: int, seq: int) -> tuple[ItemDetail, ItemEvent]:
        """One timeline entry of an item the actor may see (for its whole text)."""
        detail = await self.detail(actor_id, item_id)
        event = next((e for e in detail.events if e.seq == seq), None)
        if event is None:
            raise NotFound("item_not_found", ref=str(detail.item.number))
        return detail, event

    async def list_items(
        self,
        actor_id: str,
        scope: str,
        subject_id: str | None = None,
        *,
        filter: ListFilter | None = None,
        offset: int = 0,
    ) -> ListResult:
        """One page of the items ``filter`` selects that the actor may see, with the exact total: all of
        it decided by the database in one read-only transaction."""
        actor = await self.people.actor(actor_id)
        today = self.ctx.today()
        if filter is None:
            filter = ListFilter(overdue=True) if scope == "overdue" else ListFilter(whose=scope)  # type: ignore[arg-type]
        query = to_query(
            filter,
            actor_id=actor_id,
            overseer=allowed(actor, Permission.LIST_ALL),  # the cleared roles: no row is hidden
            today=today,
            subject_id=subject_id,
            offset=offset,
        )
        async with self.ctx.read() as uow:
            try:
                items, total = await uow.lists.page(query)
            except UnknownUnit as unknown:
                raise DomainError("unknown_unit", name=str(unknown)) from None
        details = [ItemDetail(i, [], overdue_days(i, today)) for i in items]
        return ListResult(details, total, scope, subject_id, query.offset, filter)

    async def _find(self, uow: UnitOfWork, ref: ItemRef | ItemNumber | int) -> Item | None:
        if isinstance(ref, int):
            return await uow.items.get(ref)
        number = ref.resolve(self.ctx.today().year) if isinstance(ref, ItemRef) else ref
        return await uow.items.get_by_number(number)

    def _label(self, ref: ItemRef | ItemNumber | int) -> str:
        if isinstance(ref, ItemRef):
            return str(ref.resolve(self.ctx.today().year))
        return str(ref)
