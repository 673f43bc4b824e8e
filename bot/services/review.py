"""审核 / 办结 / 批示: the office reviews a final report (approve, or return for redo), approval sends
the leaders the completion feedback (督查反馈), and a leader's instruction continues the item (跟踪落实)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain import lifecycle, permissions
from bot.domain.errors import DomainError, PermissionDenied
from bot.domain.events import EventKind, ItemEvent
from bot.domain.fairness import finished_on
from bot.domain.items import REQUIREMENTS_MAX, Item, ItemRef
from bot.domain.lifecycle import Action, State
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.domain.reports import (
    REVIEWABLE_STATES,
    TEXT_MAX,
    Decision,
    ReportKind,
    ReportRecord,
    ReviewInput,
    open_children,
    timeliness,
    validate_review,
)
from bot.notifications import NoticeKind, documents
from bot.services.base import Service
from bot.services.item_access import load_item


@dataclass(slots=True)
class ReviewForm:
    item: Item
    report: ReportRecord | None


@dataclass(slots=True)
class ReviewResult:
    item: Item
    decision: str
    again: bool = False


@dataclass(slots=True)
class InstructResult:
    item: Item
    again: bool = False


class ReviewService(Service):
    # -- review (审核) ----------------------------------------------------------------------------

    async def _check_reviewer(self, uow: UnitOfWork, actor: Person, item: Item) -> None:
        assert item.id is not None
        if item.owner(actor.user_id) is not None or actor.user_id in await uow.reports.authors(item.id):
            raise PermissionDenied("own_report", number=str(item.number))
        if item.state not in REVIEWABLE_STATES:
            raise DomainError(
                "illegal_transition", number=str(item.number), state=item.state, action=Action.APPROVE.value
            )

    async def review_form(self, actor_id: str, ref: ItemRef | int) -> ReviewForm:
        """Open the review: the item moves to under review (the office has taken it up)."""

        actor = await self.authorised(actor_id, permissions.Action.REVIEW)
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, ref, for_update=True)
            assert item.id is not None
            await self._check_reviewer(uow, actor, item)
            if item.state is State.REPORTED:
                now = self.ctx.now()
                events = item.start_review(actor_id, now)
                await self.save(uow, item, events, now=now)
            report = await self._final_report(uow, item)
        return ReviewForm(item, report)

    async def _final_report(self, uow: UnitOfWork, item: Item) -> ReportRecord | None:
        assert item.id is not None
        kinds = (ReportKind.FINAL.value,)
        return await uow.reports.latest_report(
            item.id, kinds=kinds, author_id=item.lead.user_id
        ) or await uow.reports.latest_report(item.id, kinds=kinds)

    async def submit(
        self, actor_id: str, item_id: int, raw: ReviewInput, *, request_key: str | None
    ) -> ReviewResult:

        actor = await self.authorised(actor_id, permissions.Action.REVIEW)
        today = self.ctx.today()
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, item_id, for_update=True)
            assert item.id is not None
            if request_key and await uow.reports.review_exists(request_key):
                return ReviewResult(item, raw.decision or "", again=True)
            await self._check_reviewer(uow, actor, item)
            valid = validate_review(raw, item.kind, today)
            if valid.decision is Decision.APPROVE:
                still_open = open_children(await uow.reports.children(item.id))
                if still_open:
                    raise DomainError(
                        "open_children",
                        number=str(item.number),
                        children=", ".join(c.number for c in still_open),
                        field="decision",
                    )
            now = self.ctx.now()
            report = await self._final_report(uow, item)
            review_id = await uow.reports.add_review(
                item_id=item.id,
                report_id=report.id if report else None,
                reviewer_id=actor_id,
                decision=valid.decision.value,
                checklist=valid.checklist,
                reasons=valid.reasons,
                new_due=valid.new_due,
                now=now,
                request_key=request_key,
            )
            await uow.events.append(
                item.id,
                ItemEvent(
                    EventKind.REVIEWED,
                    now,
                    actor_id,
                    {"review_id": review_id, "decision": valid.decision.value, "checklist": valid.checklist},
                ),
            )
            if valid.decision is Decision.APPROVE:
                events = item.approve(actor_id, now, review_id=review_id)
                await self.save(uow, item, events, now=now)
                await self._completed(uow, item, actor_id, report, review_id)
            else:
                assert valid.new_due is not None
                events = item.return_for_redo(
                    actor_id, now, new_due=valid.new_due, review_id=review_id, reasons=valid.reasons
                )
                await self.save(uow, item, events, now=now)
                await self.notifier.send_all(
                    uow,
                    NoticeKind.RETURNED,
                    item,
                    now=now,
                    key={"review": review_id},
                    data={"reviewer": actor_id, "reasons": valid.reasons, "tz": self.ctx.settings.timezone},
                )
            await self.notifier.send(
                uow,
                NoticeKind.REVIEW_DONE,
                item,
                actor,
                now=now,
                key={"review": review_id},
                data={"decision": valid.decision.value},
            )
        return ReviewResult(item, valid.decision.value)

    async def _completed(
        self, uow: UnitOfWork, item: Item, reviewer_id: str, report: ReportRecord | None, review_id: int
    ) -> None:
        """办结: the owners hear it, and every leader gets the 督查反馈 with a button to instruct."""
        assert item.id is not None
        now = self.ctx.now()
        zone = self.ctx.settings.zone
        # The one rule for "on time" (bot.domain.fairness): the unit's final report day.
        reported = report.created_at if report else None
        reported_on = finished_on(reported, item.completed_at, zone) or self.ctx.today()
        timely = timeliness(reported_on, item.original_due, item.current_due)
        key = {"review": review_id}
        await self.notifier.send_all(
            uow, NoticeKind.COMPLETED, item, now=now, key=key, data={"reviewer": reviewer_id}
        )
        feedback = {"report": report, "reviewer": reviewer_id, "timely": timely, "reported_on": reported_on}
        await self.notifier.send_all(uow, NoticeKind.FEEDBACK, item, now=now, key=key, data=feedback)

    # -- instructions (批示) ------------------------------------------------------------------------

    async def instruct_form(self, actor_id: str, ref: ItemRef | int) -> Item:

        actor = await self._instructor(actor_id)
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, ref)
        self._check_instructable(item)
        return item

    async def _instructor(self, actor_id: str) -> Person:
        actor = await self.authorised(actor_id, permissions.Action.INSTRUCT)
        return actor

    @staticmethod
    def _check_instructable(item: Item) -> None:
        """A completed item reopens; an open, issued item takes the instruction as it is."""
        state = item.state
        working = state in lifecycle.OPEN_STATES and state not in (State.REGISTERED, State.PENDING_APPROVAL)
        if item.fyi or not (state is State.COMPLETED or working):
            raise DomainError(
                "illegal_transition", number=str(item.number), state=item.state, action=Action.INSTRUCT.value
            )

    async def instruct(
        self,
        actor_id: str,
        ref: ItemRef | int,
        text: str,
        *,
        new_due: date | None = None,
        request_key: str | None,
    ) -> InstructResult:

        actor = await self._instructor(actor_id)
        text = (text or "").strip()
        if not text:
            raise DomainError("instruction_required", field="text")
        if len(text) > TEXT_MAX:
            raise DomainError("text_too_long", length=len(text), max=TEXT_MAX, field="text")
        today = self.ctx.today()
        if new_due is not None and new_due < today:
            raise DomainError("date_in_past", date=new_due.isoformat(), field="new_due")
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, ref, for_update=True)
            assert item.id is not None
            now = self.ctx.now()
            if request_key and not await uow.reports.first_time(request_key, now):
                return InstructResult(item, again=True)
            self._check_instructable(item)
            line = documents.requirement_line(self.ctx.settings.locale, actor.name, today, text)
            requirements = f"{item.requirements}\n\n{line}".strip()
            if len(requirements) > REQUIREMENTS_MAX:
                raise DomainError(
                    "requirements_too_long", length=len(requirements), max=REQUIREMENTS_MAX, field="text"
                )
            events = item.instruct(actor.user_id, now, text=text, requirements=requirements, new_due=new_due)
            event, *_ = await self.save(uow, item, events, now=now)
            await self.notifier.send_all(
                uow,
                NoticeKind.INSTRUCTED,
                item,
                now=now,
                key={"seq": event.seq},
                data={"by": actor.user_id, "text": text, "tz": self.ctx.settings.timezone},
            )
        return InstructResult(item)
