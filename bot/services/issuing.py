"""Sends shared by assignment, proposals for approval and the reports feature: the supervision
notices of an issued item, proposals to the leaders, and direct messages to role holders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.approval import Stage
from bot.domain.errors import NotFound
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemRef, Role
from bot.domain.lifecycle import State
from bot.domain.people import Person
from bot.notifications import NoticeKind, Notifier
from bot.services.approval_steps import approval_step
from bot.services.context import ServiceContext
from bot.services.items import may_see
from bot.services.people import PeopleService
from messages.view_models import Reader
from storage.uow import UnitOfWork


def reader_for(ctx: ServiceContext, people: PeopleService, person: Person) -> Reader:
    """How to write to someone who takes part in the item (so may see it even when confidential)."""
    return people.reader(person)


async def stored_person(uow: UnitOfWork, user_id: str) -> Person:
    stored = await uow.people.get(user_id)
    return stored[0] if stored else Person(user_id=user_id, name=user_id, locale="")


async def role_holders(uow: UnitOfWork, role: Role) -> list[Person]:
    people = [await stored_person(uow, user_id) for user_id in await uow.people.users_with_role(role)]
    return [p for p in people if not p.deleted and not p.is_bot]


async def dm(
    uow: UnitOfWork,
    key: str,
    to: str,
    body: dict[str, Any],
    *,
    now: datetime,
    item_id: int | None,
    purpose: str,
) -> bool:
    """Queue a direct message (the outbox opens the IM from the user id)."""
    return await uow.send(
        key,
        "chat.postMessage",
        {"channel": to, **body},
        now=now,
        item_id=item_id,
        purpose=purpose,
        recipient_id=to,
    )


async def send_notices(
    ctx: ServiceContext,
    people: PeopleService,
    uow: UnitOfWork,
    item: Item,
    owners: list[Person],
    now: datetime,
) -> None:
    """The supervision notice (督查通知单) or FYI transfer (转办单) to every owner of an issued item."""
    assert item.id is not None
    notifier = Notifier(ctx.settings)
    for person in owners:
        await notifier.send(uow, NoticeKind.NOTICE, item, person, now=now, data={"tz": ctx.settings.timezone})


async def send_proposal(
    ctx: ServiceContext, people: PeopleService, uow: UnitOfWork, item: Item, now: datetime
) -> None:
    """拟办呈批: the proposed handling goes with Approve / Change / Reject to whoever it waits for:
    every leader, or with two levels the unit's 分管领导 first, then the principal leader."""
    assert item.id is not None
    notifier = Notifier(ctx.settings)
    data = {"tz": ctx.settings.timezone}
    step, _ = await approval_step(ctx, uow, item)
    if not step.deciders:
        await notifier.send_all(uow, NoticeKind.PROPOSAL, item, now=now, data=data)
        return
    kind = NoticeKind.PROPOSAL_REVIEW if step.stage is Stage.REVIEW else NoticeKind.PROPOSAL
    for user_id in step.deciders:
        await notifier.send(uow, kind, item, await stored_person(uow, user_id), now=now, data=data)


def needs_approval(ctx: ServiceContext, actor: Person, item: Item) -> bool:
    """Sources listed in DUBAN_APPROVAL_SOURCES go to a leader first unless a leader assigns them."""
    sources = ctx.settings.approval_sources
    return not item.fyi and item.source.value in sources and not actor.has_any(Role.LEADER)


async def load_item(
    ctx: ServiceContext, uow: UnitOfWork, actor: Person, ref: ItemRef | int, *, for_update: bool = False
) -> Item:
    """The item the actor names, or NotFound when it does not exist or is hidden from them."""
    if isinstance(ref, int):
        item = await uow.items.get(ref, for_update=for_update)
        label = str(ref)
    else:
        number = ref.resolve(ctx.today().year)
        item = await uow.items.get_by_number(number, for_update=for_update)
        label = str(number)
    if item is None or not may_see(actor, item):
        raise NotFound("item_not_found", ref=label)
    return item


async def state_event(
    uow: UnitOfWork, item: Item, previous: State, actor_id: str | None, now: datetime
) -> None:
    assert item.id is not None
    if State(item.state) is not previous:
        await uow.events.append(
            item.id,
            ItemEvent(EventKind.STATE_CHANGED, now, actor_id, {"old": previous.value, "new": item.state}),
        )
