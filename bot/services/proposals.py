"""拟办呈批: a leader approves, changes or rejects the handling a supervisor proposed; only approved
items are issued (with the same notices as a direct assignment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import permissions
from bot.domain.commands import UserRef
from bot.domain.errors import DomainError
from bot.domain.fairness import due_from_issue
from bot.domain.items import Item, Role
from bot.domain.lifecycle import Action, State
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.notifications import NoticeKind, Notifier
from bot.services.context import ServiceContext
from bot.services.dossier import append_to_dossier
from bot.services.item_access import load_item
from bot.services.people import PeopleService


def needs_approval(ctx: ServiceContext, actor: Person, item: Item) -> bool:
    """Sources listed in DUBAN_APPROVAL_SOURCES go to a leader first unless a leader assigns them."""
    sources = ctx.settings.approval_sources
    return not item.fyi and item.source.value in sources and not actor.has_any(Role.LEADER)


async def send_proposal(ctx: ServiceContext, uow: UnitOfWork, item: Item, now: datetime) -> None:
    """拟办呈批: the proposed handling goes to every leader with Approve / Change / Reject."""
    data = {"tz": ctx.settings.timezone}
    await Notifier(ctx.settings).send_all(uow, NoticeKind.PROPOSAL, item, now=now, data=data)


@dataclass(slots=True)
class ProposalResult:
    item: Item
    approved: bool
    again: bool = False


class ProposalService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people

    async def _leader(self, actor_id: str) -> Person:
        actor = await self.people.actor(actor_id)
        permissions.require(actor, permissions.Action.APPROVE_PROPOSAL)
        return actor

    @staticmethod
    def _check_pending(item: Item, approve: bool) -> None:
        if item.state is not State.PENDING_APPROVAL:
            action = Action.APPROVE_PROPOSAL if approve else Action.REJECT_PROPOSAL
            raise DomainError(
                "illegal_transition", number=str(item.number), state=item.state, action=action.value
            )

    async def change_form(self, actor_id: str, item_id: int) -> Item:

        actor = await self._leader(actor_id)
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, item_id)
        self._check_pending(item, True)
        return item

    async def decide(
        self,
        actor_id: str,
        item_id: int,
        *,
        approve: bool,
        lead: str | None = None,
        due: date | None = None,
        request_key: str | None = None,
    ) -> ProposalResult:

        actor = await self._leader(actor_id)
        if due is not None and due < self.ctx.today():
            raise DomainError("date_in_past", date=due.isoformat(), field="due")
        # Resolved before the transaction: it may ask Slack about a person it has not met yet.
        new_lead = await self.people.resolve_owner(UserRef(user_id=lead), field="lead") if lead else None
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, item_id, for_update=True)
            assert item.id is not None
            now = self.ctx.now()
            if request_key and not await uow.reports.first_time(request_key, now):
                return ProposalResult(item, approve, again=True)
            self._check_pending(item, approve)
            if approve:
                if new_lead is not None and new_lead.user_id != item.lead.user_id:
                    await uow.reports.change_lead(item.id, new_lead.user_id)
                if due is not None and due != item.current_due:
                    await uow.reports.set_original_due(item.id, due)
                reloaded = await uow.items.get(item.id)
                assert reloaded is not None
                item = reloaded
                if due is None:
                    # The deadline runs from issue: the days spent waiting for approval are given back.
                    await self._due_from_issue(uow, item)
            events = item.decide_proposal(actor.user_id, now, approve=approve, due=due)
            await uow.items.save(item, now=now)
            await append_to_dossier(uow.events, item, events)
            if approve:
                data = {"tz": self.ctx.settings.timezone}
                await Notifier(self.ctx.settings).send_all(uow, NoticeKind.NOTICE, item, now=now, data=data)
            await self._tell(uow, item, actor, approve)
        return ProposalResult(item, approve)

    async def _due_from_issue(self, uow: UnitOfWork, item: Item) -> None:
        assert item.id is not None
        calendar = (await self.ctx.calendar(uow)).with_guessing()
        registered = item.created_at.astimezone(self.ctx.settings.zone).date()
        moved = due_from_issue(item.current_due, registered, self.ctx.today(), calendar)
        if moved != item.current_due:
            await uow.reports.set_original_due(item.id, moved)
            item.original_due = item.current_due = moved

    async def _tell(self, uow: UnitOfWork, item: Item, actor: Person, approved: bool) -> None:
        """Restamp every leader's proposal with the decision; tell the supervisor who proposed it."""
        assert item.id is not None
        now = self.ctx.now()
        notifier = Notifier(self.ctx.settings)
        data = {"approved": approved, "by": actor.user_id, "at": now, "tz": self.ctx.settings.timezone}
        for leader in await notifier.audience(uow, NoticeKind.PROPOSAL, item):
            ref = await uow.messages.find(item.id, "proposal", leader.user_id)
            if ref is None:
                continue
            channel, ts = ref
            await notifier.send(
                uow, NoticeKind.PROPOSAL_DECIDED, item, leader, now=now, data=data, channel=channel, ts=ts
            )
        await notifier.send_all(uow, NoticeKind.PROPOSAL_OUTCOME, item, now=now, data=data)
