"""Use cases. Each public method is one user action: it authorises, applies the domain core and
writes its changes (and the Slack sends they cause) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.assign import AssignService
from bot.services.calendar_admin import CalendarAdminService
from bot.services.context import ServiceContext
from bot.services.items import ItemService
from bot.services.people import PeopleService
from messages.views import Reader


@dataclass
class Services:
    ctx: ServiceContext
    people: PeopleService
    assign: AssignService
    items: ItemService
    calendar: CalendarAdminService

    @classmethod
    def build(cls, ctx: ServiceContext) -> Services:
        people = PeopleService(ctx)
        return cls(
            ctx=ctx,
            people=people,
            assign=AssignService(ctx, people),
            items=ItemService(ctx, people),
            calendar=CalendarAdminService(ctx, people),
        )

    async def reader(self, user_id: str) -> Reader:
        """How to talk to this person: their language, timezone and clearance."""
        return self.items.reader(await self.people.actor(user_id))
