"""What owners and readers do with an existing item: acknowledge, list, show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import lifecycle
from bot.domain.errors import DomainError, NotFound
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemNumber, ItemRef, Role, overdue_days
from bot.domain.lifecycle import Action, State
from bot.domain.people import Person
from bot.domain.reports import review_overdue_since
from bot.services.context import ServiceContext
from bot.services.people import PeopleService
from messages import notices
from messages import reports as report_messages
from messages.views import ItemDetail, Reader
from storage.uow import UnitOfWork

OVERSEER_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
LIST_LIMIT = 30


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


def may_see(person: Person, item: Item) -> bool:
    """Confidential items are for their participants, leaders and supervisors only."""
    return not item.confidential or person.has_any(*OVERSEER_ROLES) or item.involves(person.user_id)


class ItemService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people

    def reader(self, person: Person) -> Reader:
        return self.people.reader(person, cleared=person.has_any(*OVERSEER_ROLES))

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
            previous = State(item.state)
            lifecycle.apply(item, Action.ACKNOWLEDGE)
            owner.acknowledged_at = now
            if item.fyi and all(o.acknowledged_at for o in item.owners):
                lifecycle.apply(item, Action.ACKNOWLEDGE_ALL)
                item.completed_at = now
            await uow.items.save(item, now=now)
            assert item.id is not None
            await uow.events.append(item.id, ItemEvent(EventKind.ACKNOWLEDGED, now, actor_id, {}))
            await uow.urging.answer_open_acks(item.id, actor_id, now=now)  # reminders to acknowledge
            if State(item.state) is not previous:
                await uow.events.append(
                    item.id,
                    ItemEvent(
                        EventKind.STATE_CHANGED, now, actor_id, {"old": previous.value, "new": item.state}
                    ),
                )
            await self._restamp_notice(uow, item, actor, now)
            if State(item.state) is State.CLOSED:
                await self._tell_fyi_closed(uow, item, now)
        return AckResult(item, now, already=False)

    async def _tell_fyi_closed(self, uow: UnitOfWork, item: Item, now: datetime) -> None:
        """The last owner acknowledged an FYI transfer (转办单): the assigner hears it is closed."""
        assert item.id is not None
        stored = await uow.people.get(item.assigner_id)
        assigner = stored[0] if stored else Person(user_id=item.assigner_id, name=item.assigner_id, locale="")
        await uow.send(
            f"fyi-closed:{item.id}",
            "chat.postMessage",
            {"channel": assigner.user_id, **report_messages.fyi_closed(self.reader(assigner), item)},
            now=now,
            item_id=item.id,
            purpose="fyi_closed",
            recipient_id=assigner.user_id,
        )

    async def _restamp_notice(self, uow: UnitOfWork, item: Item, owner: Person, now: datetime) -> None:
        """Replace the Acknowledge button on the owner's notice with who acknowledged when."""
        assert item.id is not None
        ref = await uow.messages.find(item.id, "notice", owner.user_id)
        if ref is None:
            return
        channel, ts = ref
        body = notices.acknowledged_notice(item, self.reader(owner), self.ctx.settings.timezone, now)
        await uow.send(
            f"notice-ack:{item.id}:{owner.user_id}",
            "chat.update",
            {"channel": channel, "ts": ts, **body},
            now=now,
            item_id=item.id,
        )

    async def detail(self, actor_id: str, ref: ItemRef | ItemNumber | int) -> ItemDetail:
        actor = await self.people.actor(actor_id)
        async with self.ctx.uow() as uow:
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

    async def list_items(self, actor_id: str, scope: str, subject_id: str | None = None) -> ListResult:
        actor = await self.people.actor(actor_id)
        today = self.ctx.today()
        async with self.ctx.uow() as uow:
            if scope == "mine":
                items = await uow.items.query(involving=actor_id, limit=500)
            elif scope == "overdue":
                items = await uow.items.query(open_only=True, due_before=today, limit=500)
            elif scope == "user" and subject_id:
                items = await uow.items.query(owner_id=subject_id, limit=500)
            else:
                items = await uow.items.query(limit=500)
        visible = [i for i in items if may_see(actor, i)]
        if scope == "all" and not actor.has_any(*OVERSEER_ROLES):
            visible = [i for i in visible if i.involves(actor_id)]
        # Open items first (most urgent deadline first), then finished ones.
        visible.sort(key=lambda i: (not lifecycle.is_open(i), i.current_due, i.number.year, i.number.seq))
        details = [ItemDetail(i, [], overdue_days(i, today)) for i in visible[:LIST_LIMIT]]
        return ListResult(details, len(visible), scope, subject_id)

    async def _find(self, uow: UnitOfWork, ref: ItemRef | ItemNumber | int) -> Item | None:
        if isinstance(ref, int):
            return await uow.items.get(ref)
        number = ref.resolve(self.ctx.today().year) if isinstance(ref, ItemRef) else ref
        return await uow.items.get_by_number(number)

    def _label(self, ref: ItemRef | ItemNumber | int) -> str:
        if isinstance(ref, ItemRef):
            return str(ref.resolve(self.ctx.today().year))
        return str(ref)
