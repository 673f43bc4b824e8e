"""What every use case starts from: the context (ports, clock, settings), who is who, the notifier, and
the three steps each one repeats — who is acting and may they, save the item with the events its
behaviour returned."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain import permissions
from bot.domain.events import ItemEvent
from bot.domain.items import Item
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.notifications import Notifier
from bot.services.context import ServiceContext
from bot.services.dossier import append_to_dossier
from bot.services.people import PeopleService


class Service:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people
        self.notifier = Notifier(ctx.settings)

    async def authorised(self, actor_id: str, action: permissions.Action) -> Person:
        """The person acting, refused (``PermissionDenied``) unless the permissions table lets them."""
        actor = await self.people.actor(actor_id)
        permissions.require(actor, action)
        return actor

    async def save(
        self, uow: UnitOfWork, item: Item, events: Iterable[ItemEvent], *, now: datetime
    ) -> list[ItemEvent]:
        """Save ``item`` and append the dossier events its behaviour returned, in ``uow``."""
        await uow.items.save(item, now=now)
        return await append_to_dossier(uow.events, item, events)
