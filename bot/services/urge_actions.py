"""What people do with urgings: answer a check-in, snooze it, answer the written notice, urge by hand,
urge the silent ones again, log a phone call, call a coordination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import permissions
from bot.domain.errors import DomainError, NotFound
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemRef, overdue_days
from bot.domain.lifecycle import OWNER_WORKING_STATES
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.domain.urge_modes import UrgeMode
from bot.domain.urge_records import UrgeRecord
from bot.domain.urging import Rung
from bot.notifications import NoticeKind, stored_person
from bot.services import tracking
from bot.services.context import ServiceContext
from bot.services.dossier import append_to_dossier
from bot.services.extensions import ExtensionService
from bot.services.follow_through import ask, days_waited, with_open_acks
from bot.services.people import PeopleService
from bot.services.urge_answers import UrgeAnswers


@dataclass(slots=True)
class UrgeResult:
    item: Item
    recipients: list[str]


class UrgeActionService(UrgeAnswers):
    """Urging by hand, re-urging the silent ones, calls and coordination (answers: ``UrgeAnswers``)."""

    def __init__(self, ctx: ServiceContext, people: PeopleService, extensions: ExtensionService) -> None:
        super().__init__(ctx, people)
        self.extensions = extensions
        self.policy = ctx.urge_policy()

    async def _overseer(self, actor_id: str) -> Person:
        """Urging by hand, calls and coordination are for leaders and the supervision office."""
        return await self.authorised(actor_id, permissions.Action.URGE)

    async def manual(self, actor_id: str, ref: ItemRef | int, note: str | None) -> UrgeResult:
        """/duban urge: a check-in now, by hand, at most once per policy interval per item."""
        actor = await self._overseer(actor_id)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            item = await self._urgeable(uow, ref)
            records = await uow.urging.for_item(item.id)
            manual = [r for r in records if r.rung == Rung.MANUAL.value]
            if manual:
                wait_until = manual[-1].created_at + timedelta(minutes=self.policy.manual_min_minutes)
                if now < wait_until:
                    raise DomainError(
                        "urge_too_soon",
                        number=str(item.number),
                        minutes=int((now - manual[-1].created_at).total_seconds() // 60),
                        at=self._local(wait_until, actor.tz),
                    )
            lead = item.lead.user_id
            record = await self._record(
                uow, item, Rung.MANUAL, len(manual) + 1, lead, now, actor_id, note or ""
            )
            await self._deliver(uow, item, record, now, by=actor.name)
            await tracking.post(uow, self.people, item, [record], actor_id, now)
            await self._count(uow, item, Rung.MANUAL, [lead], now, actor_id, note or "")
        return UrgeResult(item, [lead])

    async def urge_silent(self, actor_id: str, item_id: int) -> UrgeResult:
        """Re-send the latest urging to those who have not answered it, at most once per interval."""
        actor = await self._overseer(actor_id)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            item = await self._urgeable(uow, item_id)
            wait_until = item.urge_plan.silent_reurge_at(timedelta(minutes=self.policy.silent_reurge_minutes))
            if wait_until is not None and now < wait_until:
                raise DomainError(
                    "silent_too_soon",
                    number=str(item.number),
                    minutes=self.policy.silent_reurge_minutes,
                    at=self._local(wait_until, actor.tz),
                )
            latest = latest_round(await uow.urging.for_item(item.id))
            silent = [r.recipient_id for r in latest if not r.answered and r.recipient_id]
            original = latest[0] if latest else None
            for user_id in silent:
                assert original is not None
                # The same kind of urging again (a notice stays a notice), marked as re-sent by a person.
                rung = Rung.REPEAT if original.rung == Rung.CHECKIN.value else Rung(original.rung)
                record = await self._record(
                    uow, item, rung, original.round, user_id, now, actor_id, original.note
                )
                if rung in (Rung.ACK, Rung.PROGRESS):  # the same request again
                    days = await days_waited(self.ctx, uow, item, now)
                    await ask(self.notifier, uow, item, record, days, now)
                else:
                    await self._deliver(uow, item, record, now, by=await self._name(uow, original.actor_id))
            # Whoever never acknowledged the notice has not answered either: ask them to acknowledge.
            unacknowledged = [
                o.user_id for o in item.owners if o.acknowledged_at is None and o.user_id not in silent
            ]
            if unacknowledged:
                days = await days_waited(self.ctx, uow, item, now)
            for user_id in unacknowledged:
                record = await self._record(uow, item, Rung.ACK, 0, user_id, now, actor_id, "")
                await ask(self.notifier, uow, item, record, days, now)
            silent = [*silent, *unacknowledged]
            if silent:
                item.silent_reurged(now)
                await self._count(uow, item, Rung.REPEAT, silent, now, actor_id, "silent")
        return UrgeResult(item, silent)

    async def who_answered(self, item_id: int) -> list[UrgeRecord]:
        """The latest urging round, plus every request to acknowledge still unanswered."""
        async with self.ctx.read() as uow:
            records = await uow.urging.for_item(item_id)
        return with_open_acks(records, latest_round(records))

    async def log_call(
        self,
        actor_id: str,
        item_id: int,
        *,
        callee_id: str,
        called_at: datetime,
        answered_by: str,
        summary: str,
        promised: date | None,
        request_key: str | None = None,
        mode: UrgeMode = UrgeMode.PHONE,
    ) -> UrgeResult:
        """电话记录 and the other urgings done in person (当面催办, 现场督办, 暗访), recorded like the
        regulations ask with their mode; each counts as an urging round.
        ``request_key`` (the form's view id) makes a double submit one record."""
        await self._overseer(actor_id)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            item = await self._item(uow, item_id)
            assert item.id is not None
            calls = [r for r in await uow.urging.for_item(item.id) if r.rung == Rung.CALL.value]
            record = await uow.urging.add(
                UrgeRecord(
                    id=None,
                    item_id=item.id,
                    rung=Rung.CALL.value,
                    round=len(calls) + 1,
                    idem_key=f"{item.id}:call:{request_key or now.isoformat()}",
                    recipient_id=callee_id,
                    sent_at=called_at,
                    created_at=now,
                    channel=mode.value,
                    actor_id=actor_id,
                    note=summary,
                    answer_note=answered_by,
                    answered_at=called_at,
                    answered_by=callee_id,
                    details={
                        "answered_by": answered_by,
                        "promised": promised.isoformat() if promised else None,
                        "mode": mode.value,
                    },
                )
            )
            if record is None:
                return UrgeResult(item, [callee_id])  # the same form submitted twice: logged once
            extra = {
                "mode": mode.value,
                "at": called_at.isoformat(),
                "answered_by": answered_by,
                "promised": promised.isoformat() if promised else None,
            }
            await self._count(
                uow,
                item,
                Rung.CALL,
                [callee_id],
                now,
                actor_id,
                summary,
                event=EventKind.CALL_LOGGED,
                extra=extra,
            )
        return UrgeResult(item, [callee_id])

    async def coordinate(self, actor_id: str, item_id: int) -> UrgeResult:
        """领导协调: the leader or the office calls a coordination; the owners are told."""
        await self._overseer(actor_id)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            item = await self._item(uow, item_id)
            events = item.coordinate(actor_id, now)  # none: this escalation was coordinated already
            if not events:
                return UrgeResult(item, [])
            await uow.items.save(item, now=now)
            occasion = item.urge_plan.coordination_for
            await self._tell(uow, item, NoticeKind.COORDINATION, now, actor_id, occasion=occasion)
            await append_to_dossier(uow.events, item, events)
        return UrgeResult(item, [o.user_id for o in item.owners])

    # ------------------------------------------------------------------ helpers
    async def _item(self, uow: UnitOfWork, ref: ItemRef | int) -> Item:
        if isinstance(ref, int):
            item = await uow.items.get(ref, for_update=True)
            label = str(ref)
        else:
            number = ref.resolve(self.ctx.today().year)
            item = await uow.items.get_by_number(number, for_update=True)
            label = str(number)
        if item is None:
            raise NotFound("item_not_found", ref=label)
        return item

    async def _urgeable(self, uow: UnitOfWork, ref: ItemRef | int) -> Item:
        """The item, locked, refused unless its owners still have work to do (urging applies)."""
        item = await self._item(uow, ref)
        if item.fyi or item.state not in OWNER_WORKING_STATES:
            raise DomainError("not_urgeable", number=str(item.number), state=item.state)
        assert item.id is not None
        return item

    async def _record(
        self,
        uow: UnitOfWork,
        item: Item,
        rung: Rung,
        round_: int,
        user_id: str,
        now: datetime,
        actor_id: str,
        note: str,
    ) -> UrgeRecord:
        assert item.id is not None
        record = await uow.urging.add(
            UrgeRecord(
                id=None,
                item_id=item.id,
                rung=rung.value,
                round=round_,
                idem_key=f"{item.id}:{rung.value}:{round_}:{now.isoformat()}:{user_id}",
                recipient_id=user_id,
                sent_at=now,
                created_at=now,
                actor_id=actor_id,
                note=note,
            )
        )
        assert record is not None  # the key carries the instant: new by construction
        return record

    async def _deliver(
        self, uow: UnitOfWork, item: Item, record: UrgeRecord, now: datetime, *, by: str | None
    ) -> None:
        """An urging by hand (or re-sent to the silent), redacted for its recipient by the seam."""
        assert record.recipient_id is not None
        await self.notifier.send(
            uow,
            NoticeKind.URGE_MANUAL,
            item,
            await stored_person(uow, record.recipient_id),
            now=now,
            key={"idem_key": record.idem_key},
            data={"record": record, "overdue_days": overdue_days(item, self.ctx.today()), "by": by},
            purpose=f"urge:{record.id}",
        )

    async def _count(
        self,
        uow: UnitOfWork,
        item: Item,
        rung: Rung,
        recipients: list[str],
        now: datetime,
        actor_id: str,
        note: str,
        *,
        event: EventKind = EventKind.URGED,
        extra: dict[str, Any] | None = None,
    ) -> None:
        assert item.id is not None
        item.urged(rung.value, now, by_hand=True)
        await uow.items.save(item, now=now)
        await uow.events.append(
            item.id,
            ItemEvent(
                event,
                now,
                actor_id,
                {
                    "rung": rung.value,
                    "recipients": recipients,
                    "detail": rung.value,
                    "note": note,
                    **(extra or {}),
                },
            ),
        )

    def _local(self, instant: datetime, tz: str | None) -> str:
        """A time as the person reading the refusal sees it (their Slack timezone)."""
        zone = ZoneInfo(tz) if tz else self.ctx.settings.zone
        return instant.astimezone(zone).strftime("%H:%M")


def latest_round(records: list[UrgeRecord]) -> list[UrgeRecord]:
    """The records of the most recent urging sent to the owners (not calls, not escalations)."""
    owner_facing = (Rung.CALL.value, Rung.ESCALATION.value)  # escalations go to leaders, calls are logs
    sent = [r for r in records if r.rung not in owner_facing and r.sent_at is not None]
    if not sent:
        return []
    last = max(sent, key=lambda r: (r.created_at, r.id or 0))
    return [
        r for r in sent if r.rung == last.rung and r.round == last.round and r.created_at == last.created_at
    ]
