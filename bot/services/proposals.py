"""拟办呈批: a leader approves, changes or rejects the handling a supervisor proposed; only approved
items are issued (with the same notices as a direct assignment). With two levels
(``DUBAN_APPROVAL_LEVELS=2``) the lead unit's 分管领导 reviews first and the principal leader decides
(``bot.domain.approval``). A rejection needs a reason, shown to the proposer and kept in the dossier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import permissions
from bot.domain.approval import ApprovalStep, Stage, rejection_reason
from bot.domain.commands import UserRef
from bot.domain.errors import DomainError, NotFound, PermissionDenied
from bot.domain.events import EventKind, ItemEvent
from bot.domain.fairness import due_from_issue
from bot.domain.items import Item, Role
from bot.domain.lifecycle import Action, State
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.notifications import NoticeKind, Notifier, stored_person
from bot.notifications.updates import update_copy, update_every_copy
from bot.services.approval_steps import approval_step
from bot.services.base import Service
from bot.services.context import ServiceContext
from bot.services.item_access import load_item


def needs_approval(ctx: ServiceContext, actor: Person, item: Item) -> bool:
    """Sources listed in DUBAN_APPROVAL_SOURCES go to a leader first unless a leader assigns them."""
    sources = ctx.settings.approval_sources
    return not item.fyi and item.source.value in sources and not actor.has_any(Role.LEADER)


async def send_proposal(ctx: ServiceContext, uow: UnitOfWork, item: Item, now: datetime) -> None:
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


@dataclass(slots=True)
class ProposalResult:
    item: Item
    approved: bool
    again: bool = False
    forwarded: bool = False  # reviewed by the unit's 分管领导, now with the principal leader
    principal: str | None = None


class ProposalService(Service):
    @staticmethod
    def _check_pending(item: Item, approve: bool) -> None:
        if item.state is not State.PENDING_APPROVAL:
            action = Action.APPROVE_PROPOSAL if approve else Action.REJECT_PROPOSAL
            raise DomainError(
                "illegal_transition", number=str(item.number), state=item.state, action=action.value
            )

    async def _may_act(self, uow: UnitOfWork, actor: Person, item: Item, approve: bool) -> ApprovalStep:
        """The proposal is still pending and ``actor`` is who it waits for."""
        self._check_pending(item, approve)
        step, _ = await approval_step(self.ctx, uow, item)
        if not step.deciders:
            permissions.require(actor, permissions.Action.APPROVE_PROPOSAL)
        elif actor.deleted:
            raise PermissionDenied("deactivated")
        elif actor.user_id not in step.deciders:
            raise DomainError("proposal_not_yours", number=str(item.number), stage=step.stage.value)
        return step

    async def change_form(self, actor_id: str, item_id: int) -> Item:
        return await self._form(actor_id, item_id, approve=True)

    async def reject_form(self, actor_id: str, item_id: int) -> Item:
        """The reason form opens only for whoever the proposal waits for."""
        return await self._form(actor_id, item_id, approve=False)

    async def _form(self, actor_id: str, item_id: int, *, approve: bool) -> Item:
        actor = await self.people.actor(actor_id)
        async with self.ctx.uow() as uow:
            item = await self._load(uow, actor, item_id, for_update=False)
            await self._may_act(uow, actor, item, approve)
        return item

    async def _load(self, uow: UnitOfWork, actor: Person, item_id: int, *, for_update: bool) -> Item:
        item = await uow.items.get(item_id, for_update=for_update)
        if item is None:
            raise NotFound("item_not_found", ref=str(item_id))
        if not actor.has_any(Role.LEADER):
            # Only the unit's 分管领导 (organisation file) may act without the leader role.
            departments = await uow.people.departments_of(item.lead.user_id)
            if actor.user_id not in {d.leader_user_id for d in departments}:
                permissions.require(actor, permissions.Action.APPROVE_PROPOSAL)
            return item
        return await load_item(self.ctx, uow, actor, item_id, for_update=for_update)

    async def decide(
        self,
        actor_id: str,
        item_id: int,
        *,
        approve: bool,
        lead: str | None = None,
        due: date | None = None,
        reason: str | None = None,
        request_key: str | None = None,
    ) -> ProposalResult:
        actor = await self.people.actor(actor_id)
        if not approve:
            reason = rejection_reason(reason)
        if due is not None and due < self.ctx.today():
            raise DomainError("date_in_past", date=due.isoformat(), field="due")
        # Resolved before the transaction: it may ask Slack about a person it has not met yet.
        new_lead = await self.people.resolve_owner(UserRef(user_id=lead), field="lead") if lead else None
        async with self.ctx.uow() as uow:
            item = await self._load(uow, actor, item_id, for_update=True)
            assert item.id is not None
            now = self.ctx.now()
            if request_key and not await uow.reports.first_time(request_key, now):
                return ProposalResult(item, approve, again=True)
            step = await self._may_act(uow, actor, item, approve)
            if approve:
                if new_lead is not None and new_lead.user_id != item.lead.user_id:
                    await uow.reports.change_lead(item.id, new_lead.user_id)
                if due is not None and due != item.current_due:
                    await uow.reports.set_original_due(item.id, due)
                reloaded = await uow.items.get(item.id)
                assert reloaded is not None
                item = reloaded
                if step.stage is Stage.REVIEW:
                    return await self._forward(uow, item, actor, now, due)
                if due is None:
                    # The deadline runs from issue: the days spent waiting for approval are given back.
                    await self._due_from_issue(uow, item)
            events = item.decide_proposal(actor.user_id, now, approve=approve, due=due)
            if not approve:
                payload = {"reason": reason, "stage": step.stage.value}
                events.append(ItemEvent(EventKind.PROPOSAL_REJECTED, now, actor.user_id, payload))
            await self.save(uow, item, events, now=now)
            if approve:
                data = {"tz": self.ctx.settings.timezone}
                await self.notifier.send_all(uow, NoticeKind.NOTICE, item, now=now, data=data)
            await self._tell(uow, item, actor, approve, reason)
        return ProposalResult(item, approve)

    async def _forward(
        self, uow: UnitOfWork, item: Item, reviewer: Person, now: datetime, due: date | None
    ) -> ProposalResult:
        """The 分管领导 agreed: recorded, their copy restamped, the principal leader asked, the
        proposer told. The item stays pending."""
        assert item.id is not None
        events = item.review_proposal(reviewer.user_id, now, due=due)
        await self.save(uow, item, events, now=now)
        notifier = self.notifier
        tz = self.ctx.settings.timezone
        data = {"by": reviewer.user_id, "at": now, "tz": tz}
        purpose = NoticeKind.PROPOSAL_REVIEW.value
        await update_copy(
            notifier,
            uow,
            NoticeKind.PROPOSAL_REVIEWED,
            item,
            reviewer,
            sent_for=purpose,
            copy_of=reviewer.user_id,
            now=now,
            data=data,
        )
        await send_proposal(self.ctx, uow, item, now)
        principal = self.ctx.settings.principal
        await notifier.send_all(
            uow,
            NoticeKind.PROPOSAL_FORWARDED,
            item,
            now=now,
            data={"by": reviewer.user_id, "principal": principal},
        )
        return ProposalResult(item, True, forwarded=True, principal=principal)

    async def _due_from_issue(self, uow: UnitOfWork, item: Item) -> None:
        assert item.id is not None
        calendar = (await self.ctx.calendar(uow)).with_guessing()
        registered = item.created_at.astimezone(self.ctx.settings.zone).date()
        moved = due_from_issue(item.current_due, registered, self.ctx.today(), calendar)
        if moved != item.current_due:
            await uow.reports.set_original_due(item.id, moved)
            item.deadline_from_issue(moved)

    async def _tell(
        self, uow: UnitOfWork, item: Item, actor: Person, approved: bool, reason: str | None
    ) -> None:
        """Restamp every copy of the proposal with the decision; tell the supervisor who proposed it."""
        assert item.id is not None
        now = self.ctx.now()
        notifier = self.notifier
        tz = self.ctx.settings.timezone
        data = {"approved": approved, "by": actor.user_id, "at": now, "tz": tz, "reason": reason or ""}
        stamp = NoticeKind.PROPOSAL_DECIDED if approved else NoticeKind.PROPOSAL_REJECTED_STAMP
        await update_every_copy(
            notifier, uow, stamp, item, sent_for=NoticeKind.PROPOSAL.value, now=now, data=data
        )
        if not approved:  # an agreeing reviewer's copy already says they agreed
            purpose = NoticeKind.PROPOSAL_REVIEW.value
            await update_every_copy(notifier, uow, stamp, item, sent_for=purpose, now=now, data=data)
        if approved:
            await notifier.send_all(uow, NoticeKind.PROPOSAL_OUTCOME, item, now=now, data=data)
        else:
            await notifier.send_all(uow, NoticeKind.PROPOSAL_REJECTED, item, now=now, data=data)
