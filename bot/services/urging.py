"""催办: the urging ladder run from the database.

The sweep is set-based: one query claims a batch of items whose ``next_urge_at`` has come (an indexed
column, so the cost is O(due items)) and locks them (SKIP LOCKED on PostgreSQL, so replicas claim disjoint
batches); their issue times, urging records, extension requests and owners come in one query each; the
pure policy decides for each item; and the urging records, outbox rows, dossier events and next wake-ups
are written in bulk, in the batch's one transaction (``uow.sweep``). A failing batch is redone one item per
transaction, and an item that still fails is looked at again in 15 minutes. Every rung has an idempotency
key (item, rung, round, working date): whatever happens — a crash, a restart, a second replica — one
urging per key.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo

from bot.domain import lifecycle
from bot.domain.cadence import parse_cadence
from bot.domain.calendar import WorkCalendar
from bot.domain.events import EventKind, ItemEvent
from bot.domain.fairness import clock_start
from bot.domain.items import Item, overdue_days
from bot.domain.lifecycle import OWNER_WORKING_STATES
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.domain.repositories import OutgoingCall
from bot.domain.urge_records import ExtensionRequest, UrgeRecord
from bot.domain.urging import (
    PlannedUrge,
    Rung,
    SentUrge,
    UrgePolicy,
    UrgeSubject,
    decide,
    is_notice_repeat,
)
from bot.notifications import URGE_KINDS, NoticeKind, Notifier
from bot.services import tracking
from bot.services.calendar_admin import tell_office_of_computed_years
from bot.services.context import ServiceContext
from bot.services.people import PeopleService
from bot.services.quiet import deliver_at
from bot.services.webhook import webhook_payload

log = logging.getLogger("duban.urging")
AUTOMATIC = frozenset({Rung.CHECKIN, Rung.REPEAT, Rung.DUE, Rung.NOTICE, Rung.ESCALATION})
URGED_STATES = sorted(s.value for s in OWNER_WORKING_STATES)
RETRY_BROKEN_ITEM = timedelta(minutes=15)
SWEEP_BATCH = 500  # items claimed, decided and written together in one transaction
SWEEP_LIMIT = 5000  # items per sweep; the rest waits for the next beat (they stay due)


class UrgingService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people
        self.notifier = Notifier(ctx.settings)

    def policy(self) -> UrgePolicy:
        return self.ctx.urge_policy()

    async def sweep(self) -> int:
        """Send every urging that is due now, a batch at a time; returns how many items were urged."""
        sent = claimed = 0
        while claimed < SWEEP_LIMIT:
            now = self.ctx.now()
            ids: list[int] = []
            try:
                async with self.ctx.uow() as uow:
                    items = await uow.sweep.claim_due(now, URGED_STATES, limit=SWEEP_BATCH)
                    ids = [item.id for item in items if item.id is not None]
                    done = await self._urge_batch(uow, items, now)
            except Exception:
                if not ids:
                    raise
                # The batch rolled back: go through it one item per transaction, so one broken item
                # cannot stall everyone else's urging.
                log.exception("urging a batch of %d items failed; trying them one by one", len(ids))
                done = await self._one_by_one(ids)
            sent += done
            claimed += len(ids)
            if len(ids) < SWEEP_BATCH:
                break
        return sent

    async def _one_by_one(self, ids: list[int]) -> int:
        sent = 0
        for item_id in ids:
            now = self.ctx.now()
            try:
                async with self.ctx.uow() as uow:
                    items = await uow.sweep.claim_due(now, URGED_STATES, limit=1, only=[item_id])
                    sent += await self._urge_batch(uow, items, now)
            except Exception:
                log.exception("urging item %s failed; retrying in %s", item_id, RETRY_BROKEN_ITEM)
                async with self.ctx.uow() as uow:
                    await uow.sweep.postpone([item_id], now + RETRY_BROKEN_ITEM)
        return sent

    async def _urge_batch(self, uow: UnitOfWork, items: list[Item], now: datetime) -> int:
        """Decide for every claimed item in the pure core, then write the batch's urgings, outbox rows,
        dossier events and next wake-ups together."""
        if not items:
            return 0
        ids = [item.id for item in items if item.id is not None]
        calendar = await self.ctx.calendar(uow)
        issued = await uow.sweep.issued_at_many(ids)
        history = await uow.sweep.records_of(ids)
        extensions = await uow.sweep.latest_extensions(ids)
        known = await uow.sweep.people([o.user_id for item in items for o in item.owners])
        policy, zone = self.policy(), self.ctx.settings.zone
        due: list[tuple[Item, PlannedUrge]] = []
        new_guesses: set[int] = set()
        for item in items:
            assert item.id is not None
            if item.fyi or not lifecycle.is_open(item):
                item.next_urge_at = None
                continue
            # A new deadline (extension, return for redo, instruction) re-plans the ladder from now on.
            plan = item.urge_plan.for_due(item.current_due, now)
            promised, promised_at = promise(extensions.get(item.id), zone)
            subject = UrgeSubject(
                # The ladder runs from issue (交办): the time an item waited for approval is never urged.
                issued_at=clock_start(issued.get(item.id), item.created_at),
                due=item.current_due,
                urgent=item.urgent,
                cadence=parse_cadence(item.cadence) if item.cadence else None,
                snoozed_until=plan.snoozed_until,
                history=automatic_history(history[item.id]),
                replanned_at=plan.replanned_at,
                promised=promised,
                promised_at=promised_at,
            )
            decision = decide(subject, now, calendar, policy, self.ctx.settings.timezone)
            if calendar.provisional_years:
                # Working days of a year without the official schedule were computed: say so (once).
                known_guesses = set(plan.guessed_years)
                plan = plan.guessed(calendar.provisional_years)
                new_guesses |= set(plan.guessed_years) - known_guesses
            if decision.send is not None:
                due.append((item, decision.send))
            item.next_urge_at = decision.next_at
            item.urge_plan = plan
        if new_guesses:
            await self._warn_missing_calendar(uow, sorted(new_guesses), now)
        urged = await self._send_all(uow, due, now, calendar, history, known)
        await uow.sweep.save_schedules(items, now=now)
        return urged

    async def _warn_missing_calendar(self, uow: UnitOfWork, years: list[int], now: datetime) -> None:
        await tell_office_of_computed_years(self.people, uow, years, now)

    async def _send_all(
        self,
        uow: UnitOfWork,
        due: list[tuple[Item, PlannedUrge]],
        now: datetime,
        calendar: WorkCalendar,
        history: dict[int, list[UrgeRecord]],
        known: dict[str, Person],
    ) -> int:
        """The batch's urgings: records (a key already used is never urged twice), their messages (each
        after its recipient's quiet hours), and per urged item its tracker, webhook and dossier event.
        Returns how many items were urged."""
        drafts: list[tuple[Item, PlannedUrge, NoticeKind, Person, UrgeRecord]] = []
        for item, planned in due:
            assert item.id is not None
            kind = self._kind(planned.rung, planned.round)
            for person in await self.notifier.audience(uow, kind, item, known=known):
                at = deliver_at(self.ctx, person, item, now, calendar)  # after their quiet hours
                record = UrgeRecord(
                    id=None,
                    item_id=item.id,
                    rung=planned.rung.value,
                    round=planned.round,
                    idem_key=f"{item.id}:{planned.key}:{person.user_id}",
                    recipient_id=person.user_id,
                    sent_at=at,
                    created_at=now,
                    scheduled_for=planned.scheduled_for,
                )
                drafts.append((item, planned, kind, person, record))
        added = {id(record) for record in await uow.sweep.add_records([d[-1] for d in drafts])}
        calls: list[OutgoingCall] = []
        urged: dict[int, tuple[Item, PlannedUrge, list[UrgeRecord]]] = {}
        for item, planned, kind, person, record in drafts:
            if id(record) not in added:
                continue  # already urged under this key: never twice
            assert item.id is not None and record.sent_at is not None
            extra = self._extra(kind, item, calendar, history[item.id])
            calls.append(
                self.notifier.outgoing(
                    kind,
                    item,
                    person,
                    key={"idem_key": record.idem_key},
                    data={"record": record, "extra": extra},
                    purpose=f"urge:{record.id}",
                    not_before=record.sent_at if record.sent_at > now else None,
                )
            )
            urged.setdefault(item.id, (item, planned, []))[2].append(record)
        await uow.send_many(calls, now=now)
        events: list[tuple[int, ItemEvent]] = []
        for item_id, (item, planned, records) in urged.items():
            if planned.rung is Rung.NOTICE:
                # The written notice is formal: the assigner watches who answers it (DING-style).
                await tracking.post(uow, self.people, item, records, item.assigner_id, now)
            item.urged(planned.rung.value, now, escalation=planned.rung is Rung.ESCALATION)
            if planned.rung is Rung.ESCALATION:
                await self._webhook(uow, item, planned, now)
            kind = EventKind.ESCALATED if planned.rung is Rung.ESCALATION else EventKind.URGED
            payload = {
                "rung": planned.rung.value,
                "round": planned.round,
                "recipients": [r.recipient_id for r in records],
                "detail": planned.rung.value,
            }
            events.append((item_id, ItemEvent(kind, now, None, payload)))
        await uow.sweep.append_events(events)
        return len(urged)

    @staticmethod
    def _kind(rung: Rung, round_: int) -> NoticeKind:
        """The notice an automatic rung sends (a repeat of the written notice is the notice again).
        Who receives it is the notification table's audience: check-ins the lead owner, the due
        reminder all owners, the written notice also the head of the lead's department, an
        escalation the responsible leader and the office."""
        if rung is Rung.REPEAT and is_notice_repeat(round_):
            rung = Rung.NOTICE
        return URGE_KINDS[rung.value]

    def _extra(self, kind: NoticeKind, item: Item, calendar: WorkCalendar, records: list[UrgeRecord]) -> dict:
        """What the kind's message builder needs besides the item, the reader and the record."""
        today = self.ctx.today()
        if kind in (NoticeKind.URGE_CHECKIN, NoticeKind.URGE_REPEAT):
            days_left = max(0, calendar.workdays_between(today, item.current_due))
            return {"days_left": days_left, "repeat": kind is NoticeKind.URGE_REPEAT}
        if kind is NoticeKind.URGE_DUE:
            return {}
        if kind is NoticeKind.URGE_NOTICE:
            return {"overdue_days": overdue_days(item, today)}
        notice_sent = next((r.sent_at for r in reversed(records) if r.rung == Rung.NOTICE.value), None)
        return {"overdue_days": overdue_days(item, today), "notice_sent": notice_sent, "history": records}

    async def _webhook(self, uow: UnitOfWork, item: Item, planned: PlannedUrge, now: datetime) -> None:
        settings = self.ctx.settings
        if not settings.escalation_webhook_url or not settings.webhook_secret:
            return
        assert item.id is not None
        payload = webhook_payload(
            settings.escalation_webhook_url, settings.webhook_secret, item, planned.rung.value, now
        )
        await self.notifier.send(
            uow,
            NoticeKind.WEBHOOK,
            None,
            settings.escalation_webhook_url,
            now=now,
            key={"plan": planned.key},
            data={"body": payload},
            item_id=item.id,
        )


def promise(request: ExtensionRequest | None, zone: tzinfo) -> tuple[date | None, datetime | None]:
    """The date the unit stands by: an undecided request's date; a refused one ends on its refusal
    (urging goes on from there); an approved one moved the deadline itself."""
    if request is None or request.status == "approved":
        return None, None
    if request.status == "pending":
        return request.requested_due, request.created_at
    if request.decided_at is None:
        return None, None
    return request.decided_at.astimezone(zone).date(), request.decided_at


def automatic_history(records: list[UrgeRecord]) -> tuple[SentUrge, ...]:
    """One entry per scheduled send (its recipients merged; answered if anyone answered).

    Urgings made by a person (manual, silent re-urges, calls) carry an actor and are not part of
    the schedule, so they neither count as repeats nor reset the ladder's timers.
    """
    sends: dict[tuple[str, int, datetime], SentUrge] = {}
    for record in records:
        if record.rung not in AUTOMATIC or record.actor_id is not None or record.sent_at is None:
            continue
        key = (record.rung, record.round, record.sent_at)
        previous = sends.get(key)
        answered_at = record.answered_at or (previous.answered_at if previous else None)
        sends[key] = SentUrge(Rung(record.rung), record.round, record.sent_at, answered_at)
    return tuple(sorted(sends.values(), key=lambda sent: sent.sent_at))
