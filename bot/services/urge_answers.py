"""What owners answer to an urging: a check-in's answer (on track, at risk, blocked), a snooze, the written
notice's form (with a later date becoming an extension request). The answered message is re-stamped
and a blocked answer alerts the office; :class:`UrgeActionService` is the service that offers them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.domain.errors import NotFound, PermissionDenied
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, overdue_days
from bot.domain.ports import UnitOfWork
from bot.domain.read_models import Note
from bot.domain.urge_records import UrgeRecord
from bot.domain.urging import Answer, UrgePolicy
from bot.notifications import NoticeKind, stored_person
from bot.notifications.updates import update_copy
from bot.services import tracking
from bot.services.base import Service
from bot.services.calendar_admin import date_notes
from bot.services.extensions import ExtensionService
from bot.services.follow_through import owner_answered


@dataclass(slots=True)
class AnswerResult:
    item: Item
    record: UrgeRecord
    already: bool = False
    notes: list[Note] = field(default_factory=list)  # about a promised date: a day off, a computed year


class UrgeAnswers(Service):
    """The answering half of the urging service (``UrgeActionService`` builds it and sets these)."""

    extensions: ExtensionService
    policy: UrgePolicy

    async def answer(self, actor_id: str, record_id: int, answer: Answer, note: str = "") -> AnswerResult:
        async with self.ctx.uow() as uow:
            return await self._answer_in(uow, actor_id, record_id, answer, note)

    async def _answer_in(
        self, uow: UnitOfWork, actor_id: str, record_id: int, answer: Answer, note: str
    ) -> AnswerResult:
        now = self.ctx.now()
        record = await uow.urging.get(record_id, for_update=True)
        if record is None:
            raise NotFound("item_not_found", ref=str(record_id))
        item = await uow.items.get(record.item_id, for_update=True)
        assert item is not None and item.id is not None
        if record.recipient_id != actor_id:
            raise PermissionDenied("not_recipient")
        if record.answered:
            return AnswerResult(item, record, already=True)
        record.answer, record.answer_note = answer.value, note
        record.answered_at, record.answered_by = now, actor_id
        if record.sent_at is not None:
            record.latency_seconds = int((now - record.sent_at).total_seconds())
        await uow.urging.save_answer(record)
        if answer is Answer.NOTICE_ANSWERED:
            # Any copy of the written notice this person got (re-sent or repeated) is answered now.
            await uow.urging.answer_open_notices(item.id, actor_id, now=now)
        if answer is not Answer.SNOOZED:
            await owner_answered(self.people, uow, item, actor_id, now)  # escalations are settled
        if answer.value in ("on_track", "at_risk", "blocked"):
            item.record_health(answer.value)
        if answer is Answer.SNOOZED:
            until = now + timedelta(hours=self.policy.max_snooze_hours)
            item.snooze(until, now)  # the next sweep re-plans
        payload = {"rung": record.rung, "round": record.round, "answer": answer.value, "note": note}
        await self.save(uow, item, [ItemEvent(EventKind.URGE_ANSWERED, now, actor_id, payload)], now=now)
        await self._restamp(uow, item, record, now)
        await tracking.refresh(uow, self.people, item, record, now)
        if answer is Answer.BLOCKED:
            await self._alert_blocked(uow, item, actor_id, now)
        return AnswerResult(item, record)

    async def _restamp(self, uow: UnitOfWork, item: Item, record: UrgeRecord, now: datetime) -> None:
        """Replace the buttons of the answered urging message with who answered what (chat.update)."""
        assert item.id is not None and record.id is not None
        # The message sits in its recipient's DM: redacted for them, in the answerer's language.
        answerer = await stored_person(uow, record.answered_by or "")
        recipient = await stored_person(uow, record.recipient_id or answerer.user_id)
        reader_as = replace(answerer, roles=recipient.roles, user_id=recipient.user_id)
        await update_copy(
            self.notifier,
            uow,
            NoticeKind.URGE_ANSWERED,
            item,
            reader_as,
            sent_for=f"urge:{record.id}",
            now=now,
            key={"record": record.id},
            data={
                "record": record,
                "overdue_days": overdue_days(item, self.ctx.today()),
                "by": await self._name(uow, record.actor_id),
            },
        )

    async def _alert_blocked(self, uow: UnitOfWork, item: Item, owner_id: str, now: datetime) -> None:
        assert item.id is not None
        await self._tell(uow, item, NoticeKind.BLOCKED_ALERT, now, owner_id, at=now.isoformat())

    async def _tell(
        self, uow: UnitOfWork, item: Item, kind: NoticeKind, now: datetime, who: str, **key: str
    ) -> None:
        """A short DM about the item to the kind's audience (blocked alert, coordination called)."""
        await self.notifier.send_all(uow, kind, item, now=now, key=key, data={"who": who})

    async def answer_notice(
        self, actor_id: str, record_id: int, *, reason: str, progress: str, new_date: date, request_key: str
    ) -> tuple[AnswerResult, bool]:
        """The written notice's form, in one transaction: the answer, and a later date becomes an
        extension request (so a refused request leaves no half-saved answer behind)."""
        note = f"{reason}\n---\n{progress}"
        async with self.ctx.uow() as uow:
            result = await self._answer_in(uow, actor_id, record_id, Answer.NOTICE_ANSWERED, note)
            if result.already:
                return result, False
            requested = False
            if new_date > result.item.current_due:
                await self.extensions.request_in(
                    uow, actor_id, result.item, new_date, reason, request_key=request_key, owners_only=False
                )
                requested = True
                result.notes = date_notes(await self.ctx.calendar(uow), new_date, deadline=False)
        return result, requested

    async def _name(self, uow: UnitOfWork, user_id: str | None) -> str:
        if not user_id:
            return ""
        stored = await uow.people.get(user_id)
        return stored[0].name if stored else user_id
