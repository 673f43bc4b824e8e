"""Use cases. Each public method is one user action: it authorises, applies the domain core and
writes its changes (and the Slack sends they cause) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.read_models import Reader
from bot.notifications import NoticeKind, Notifier, stored_person
from bot.services.admin import AdminService
from bot.services.assign import AssignService
from bot.services.calendar_admin import CalendarAdminService
from bot.services.context import ServiceContext
from bot.services.corrections import CorrectionService
from bot.services.extensions import ExtensionService
from bot.services.follow_through import FollowThroughService
from bot.services.items import ItemService
from bot.services.maintenance import MaintenanceService
from bot.services.meetings import MeetingService
from bot.services.organisation import OrganisationService
from bot.services.people import PeopleService
from bot.services.publications import PublicationService
from bot.services.reports import ReportService
from bot.services.urge_actions import UrgeActionService
from bot.services.urging import UrgingService


@dataclass
class Services:
    ctx: ServiceContext
    people: PeopleService
    assign: AssignService
    items: ItemService
    calendar: CalendarAdminService
    urging: UrgingService
    urge_actions: UrgeActionService
    extensions: ExtensionService
    reports: ReportService
    publications: PublicationService
    maintenance: MaintenanceService
    admin: AdminService
    org: OrganisationService
    corrections: CorrectionService
    follow_through: FollowThroughService
    meetings: MeetingService

    @classmethod
    def build(cls, ctx: ServiceContext) -> Services:
        people = PeopleService(ctx)
        extensions = ExtensionService(ctx, people)
        return cls(
            ctx=ctx,
            people=people,
            assign=AssignService(ctx, people),
            items=ItemService(ctx, people),
            calendar=CalendarAdminService(ctx, people),
            urging=UrgingService(ctx, people),
            urge_actions=UrgeActionService(ctx, people, extensions),
            extensions=extensions,
            reports=ReportService(ctx, people),
            publications=PublicationService(ctx, people),
            maintenance=MaintenanceService(ctx),
            admin=AdminService(ctx, people),
            org=OrganisationService(ctx),
            corrections=CorrectionService(ctx, people),
            follow_through=FollowThroughService(ctx, people),
            meetings=MeetingService(ctx, people),
        )

    async def sweep(self) -> int:
        """Everything the clock has made due: urgings, office time limits, bulletins."""
        done = await self.urging.sweep() + await self.reports.sweep() + await self.publications.sweep()
        done += await self.follow_through.sweep()
        await self.maintenance.prune()
        await self.org.sync_usergroups()
        return done

    async def notify(self, user_id: str, body: dict[str, Any], *, key: str) -> None:
        """A DM to one person through the outbox (e.g. the answer to a modal, which has no channel)."""
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            person = await stored_person(uow, user_id)
            await Notifier(self.ctx.settings).send(
                uow, NoticeKind.MODAL_ANSWER, None, person, now=now, key={"key": key}, data={"body": body}
            )

    async def reader(self, user_id: str) -> Reader:
        """How to talk to this person: their language, timezone and clearance."""
        return self.items.reader(await self.people.actor(user_id))
