"""反馈 / 续报: progress and final reports from the form, notes from the notice thread, and the
office's own time limit for reviewing (the sweep). Review, instructions and proposals live in
``bot.services.review`` and ``bot.services.proposals``; this service hands them out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import DomainError
from bot.domain.events import EventKind, ItemEvent
from bot.domain.evidence import Attachment, attachments_payload
from bot.domain.items import Item, ItemRef, OwnerRole
from bot.domain.lifecycle import OWNER_WORKING_STATES, Action, State
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.domain.reports import TEXT_MAX, ReportInput, ReportKind, ReportRecord, clip, validate_report
from bot.notifications import NoticeKind
from bot.notifications.updates import item_of_notice_thread
from bot.services.base import Service
from bot.services.context import ServiceContext
from bot.services.dossier import append_to_dossier
from bot.services.follow_through import owner_answered
from bot.services.item_access import load_item
from bot.services.people import PeopleService
from bot.services.proposals import ProposalService
from bot.services.review import ReviewService

NOTE_REACTION = "white_check_mark"


@dataclass(slots=True)
class ReportForm:
    item: Item
    co_owner: bool


@dataclass(slots=True)
class ReportResult:
    item: Item
    report: ReportRecord
    co_owner: bool
    again: bool = False


def check_can_report(item: Item, actor_id: str) -> bool:
    """Owners report while the work is theirs; returns whether the actor is a co-owner."""
    if item.fyi:
        raise DomainError("fyi_no_report", number=str(item.number))
    owner = item.owner(actor_id)
    if owner is None:
        raise DomainError("not_owner", number=str(item.number))
    if item.state not in OWNER_WORKING_STATES:
        raise DomainError(
            "illegal_transition",
            number=str(item.number),
            state=item.state,
            action=Action.REPORT_PROGRESS.value,
        )
    return owner.role is OwnerRole.CO


class ReportService(Service):
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        super().__init__(ctx, people)
        self.review = ReviewService(ctx, people)
        self.proposals = ProposalService(ctx, people)

    async def report_form(self, actor_id: str, ref: ItemRef | int) -> ReportForm:
        """May the actor report on the item now? (checked again on submit)"""
        actor = await self.people.actor(actor_id)
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, ref)
        return ReportForm(item, check_can_report(item, actor_id))

    async def submit_report(
        self, actor_id: str, item_id: int, raw: ReportInput, *, request_key: str | None
    ) -> ReportResult:
        actor = await self.people.actor(actor_id)
        today = self.ctx.today()
        valid = validate_report(raw, today)
        async with self.ctx.uow() as uow:
            # The item row is locked first, so a double submit waits here and then finds the report.
            item = await load_item(self.ctx, uow, actor, item_id, for_update=True)
            assert item.id is not None
            if request_key and (existing := await uow.reports.report_by_key(request_key)):
                owner = item.owner(actor_id)
                return ReportResult(item, existing, bool(owner and owner.role is OwnerRole.CO), again=True)
            co_owner = check_can_report(item, actor_id)
            now = self.ctx.now()
            final = valid.kind is ReportKind.FINAL
            lead_final = final and not co_owner
            review_due = None
            if lead_final:
                calendar = (await self.ctx.calendar(uow)).with_guessing()
                review_due = calendar.next_workday(today)  # the office reviews within one working day
            moved = item.report(
                actor_id,
                now,
                final=final,
                lead=not co_owner,
                percent=valid.percent,
                health=valid.health.value,
                review_due=review_due,
            )
            await uow.items.save(item, now=now)
            await owner_answered(self.people, uow, item, actor_id, now)  # escalations are settled
            report_id = await uow.reports.add_report(
                item_id=item.id,
                author_id=actor_id,
                kind=valid.kind.value,
                now=now,
                request_key=request_key,
                percent=valid.percent,
                status=valid.health.value,
                done=valid.done,
                problems=valid.problems,
                next_steps=valid.next_steps,
                expected_date=valid.expected,
                links=valid.links,
            )
            report = ReportRecord(
                report_id,
                item.id,
                actor_id,
                valid.kind.value,
                valid.percent,
                valid.health.value,
                valid.done,
                valid.problems,
                valid.next_steps,
                valid.expected,
                "form",
                now,
                valid.links,
            )
            await uow.events.append(
                item.id,
                ItemEvent(
                    EventKind.FINAL_REPORTED
                    if valid.kind is ReportKind.FINAL
                    else EventKind.PROGRESS_REPORTED,
                    now,
                    actor_id,
                    {
                        "report_id": report_id,
                        "kind": valid.kind.value,
                        "percent": valid.percent,
                        "status": valid.health.value,
                        "part": "co" if co_owner else "lead",
                    },
                ),
            )
            await append_to_dossier(uow.events, item, moved)
            if valid.evidence:  # 佐证材料 attached or linked in the form
                payload = attachments_payload(valid.evidence, "report", report_id=report_id)
                await uow.events.append(
                    item.id, ItemEvent(EventKind.EVIDENCE_ATTACHED, now, actor_id, payload)
                )
            # A report answers whatever urging was waiting for this owner (no more repeats of it).
            await uow.urging.answer_open(item.id, actor_id, answer="reported", now=now)
            await self._after_report(
                uow, item, actor, report, co_owner=co_owner, lead_final=lead_final, now=now
            )
        return ReportResult(item, report, co_owner)

    async def _after_report(
        self,
        uow: UnitOfWork,
        item: Item,
        actor: Person,
        report: ReportRecord,
        *,
        co_owner: bool,
        lead_final: bool,
        now: datetime,
    ) -> None:
        assert item.id is not None
        notifier, key = self.notifier, {"report": report.id}
        data = {"report": report, "co": co_owner, "by": actor.user_id}
        await notifier.send(uow, NoticeKind.REPORT_RECEIVED, item, actor, now=now, key=key, data=data)
        if lead_final:
            await notifier.send_all(uow, NoticeKind.REVIEW_REQUEST, item, now=now, key=key, data=data)
        elif co_owner and report.kind == ReportKind.FINAL.value:
            await notifier.send_all(uow, NoticeKind.CO_PART_DONE, item, now=now, key=key, data=data)

    async def thread_note(
        self,
        user_id: str,
        *,
        channel: str,
        thread_ts: str,
        ts: str,
        text: str,
        event_id: str,
        files: tuple[Attachment, ...] = (),
    ) -> bool:
        """An owner's reply in the thread of their notice becomes a note in the dossier (once per event);
        files shared with it are kept as evidence (佐证材料)."""
        async with self.ctx.uow() as uow:
            item_id = await item_of_notice_thread(uow, channel, thread_ts)
            if item_id is None:
                return False
            item = await uow.items.get(item_id, for_update=True)
            if item is None or item.id is None or item.owner(user_id) is None:
                return False
            if item.state is State.ARCHIVED:
                return False  # an archived dossier is closed: nothing more is added to it
            key = f"event:{event_id}"
            if await uow.reports.report_by_key(key):
                return False
            now = self.ctx.now()
            note = clip(text.strip(), TEXT_MAX)
            report_id = await uow.reports.add_report(
                item_id=item.id,
                author_id=user_id,
                kind=ReportKind.NOTE.value,
                now=now,
                request_key=key,
                done=note,
                source="thread",
            )
            await uow.events.append(
                item.id,
                ItemEvent(
                    EventKind.THREAD_NOTE,
                    now,
                    user_id,
                    {"report_id": report_id, "text": clip(note, 500), "channel": channel, "ts": ts},
                ),
            )
            if files:
                payload = attachments_payload(files, "thread", report_id=report_id, ts=ts)
                await uow.events.append(
                    item.id, ItemEvent(EventKind.EVIDENCE_ATTACHED, now, user_id, payload)
                )
            reaction = {"channel": channel, "timestamp": ts, "name": NOTE_REACTION}
            await self.notifier.send(
                uow,
                NoticeKind.NOTE_ACK,
                None,
                channel,
                now=now,
                key={"channel": channel, "ts": ts},
                data={"body": reaction},
                item_id=item.id,
            )
        return True

    async def sweep(self) -> int:
        """Office time limits that fall due (reviews waiting too long); returns how many were flagged."""
        today, now = self.ctx.today(), self.ctx.now()
        flagged = 0
        async with self.ctx.uow() as uow:
            # Office reminders obey the same rule as urging: working hours of working days only.
            calendar = (await self.ctx.calendar(uow)).with_guessing()
            local = self.ctx.local_now()
            settings = self.ctx.settings
            if not calendar.is_working_time(local, settings.work_start, settings.work_end):
                return 0
            waiting = await uow.reports.waiting_for_review(due_before=today)
            if not waiting:
                return 0
            notifier = self.notifier
            for item_id in waiting:
                # Once per item and day, however many replicas sweep however often.
                if not await uow.reports.first_time(f"review-overdue:{item_id}:{today.isoformat()}", now):
                    continue
                item = await uow.items.get(item_id)
                if item is None or item.review_due is None:
                    continue
                await uow.events.append(
                    item_id,
                    ItemEvent(EventKind.REVIEW_OVERDUE, now, None, {"detail": item.review_due.isoformat()}),
                )
                await notifier.send_all(
                    uow, NoticeKind.REVIEW_OVERDUE, item, now=now, key={"day": today.isoformat()}
                )
                flagged += 1
        return flagged
