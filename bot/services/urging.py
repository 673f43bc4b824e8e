"""催办: the urging ladder run from the database.

The sweep asks the database for items whose ``next_urge_at`` has come (an indexed column, so the cost
is O(due items)), locks each one (SKIP LOCKED on PostgreSQL, so replicas never urge the same item),
asks the pure policy what to send, and writes the urging records, the dossier event, the outbox rows
and the next wake-up in one transaction. Every rung has an idempotency key (item, rung, round, working
date): whatever happens — a crash, a restart, a second replica — one urging per key.
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
from bot.domain.ports import UnitOfWork
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
SWEEP_LIMIT = 500  # items per sweep; the rest waits for the next beat (they stay due)


class UrgingService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people
        self.notifier = Notifier(ctx.settings)

    def policy(self) -> UrgePolicy:
        return self.ctx.urge_policy()

    async def sweep(self) -> int:
        """Send every urging that is due now; returns how many urgings were sent."""
        sent = 0
        for _ in range(SWEEP_LIMIT):
            now = self.ctx.now()
            item_id: int | None = None
            try:
                async with self.ctx.uow() as uow:
                    item_id = await uow.urging.claim_due_item(now, URGED_STATES)
                    if item_id is None:
                        break
                    sent += await self._urge_one(uow, item_id, now)
            except Exception:
                if item_id is None:
                    raise
                # One broken item must not stall everyone else's urging: log it, look again later.
                log.exception("urging item %s failed; retrying in %s", item_id, RETRY_BROKEN_ITEM)
                async with self.ctx.uow() as uow:
                    await uow.urging.postpone(item_id, now + RETRY_BROKEN_ITEM)
        return sent

    async def _urge_one(self, uow: UnitOfWork, item_id: int, now: datetime) -> int:
        item = await uow.items.get(item_id, for_update=True)
        assert item is not None and item.id is not None
        if item.fyi or not lifecycle.is_open(item):
            item.next_urge_at = None
            await uow.items.save(item, now=now)
            return 0
        # A new deadline (extension, return for redo, instruction) re-plans the ladder from now on.
        plan = item.urge_plan.for_due(item.current_due, now)
        records = await uow.urging.for_item(item.id)
        promised, promised_at = promise(await uow.urging.latest_extension(item.id), self.ctx.settings.zone)
        # The ladder runs from issue (交办): the time an item waited for approval is never urged.
        issued_at = clock_start(await uow.urging.issued_at(item.id), item.created_at)
        subject = UrgeSubject(
            issued_at=issued_at,
            due=item.current_due,
            urgent=item.urgent,
            cadence=parse_cadence(item.cadence) if item.cadence else None,
            snoozed_until=plan.snoozed_until,
            history=automatic_history(records),
            replanned_at=plan.replanned_at,
            promised=promised,
            promised_at=promised_at,
        )
        calendar = await self.ctx.calendar(uow)
        decision = decide(subject, now, calendar, self.policy(), self.ctx.settings.timezone)
        if calendar.provisional_years:
            # Working days of a year without the official schedule were computed: say so (once).
            known_guesses = set(plan.guessed_years)
            plan = plan.guessed(calendar.provisional_years)
            if new_guesses := set(plan.guessed_years) - known_guesses:
                await self._warn_missing_calendar(uow, sorted(new_guesses), now)
        sent = 0
        if decision.send is not None:
            sent = await self._send(uow, item, decision.send, now, calendar, records)
        item.next_urge_at = decision.next_at
        item.urge_plan = plan
        await uow.items.save(item, now=now)
        return sent

    async def _warn_missing_calendar(self, uow: UnitOfWork, years: list[int], now: datetime) -> None:
        await tell_office_of_computed_years(self.people, uow, years, now)

    async def _send(
        self,
        uow: UnitOfWork,
        item: Item,
        planned: PlannedUrge,
        now: datetime,
        calendar: WorkCalendar,
        records: list[UrgeRecord],
    ) -> int:
        assert item.id is not None
        kind = self._kind(planned.rung, planned.round)
        recipients = await self.notifier.audience(uow, kind, item)
        sent_to: list[str] = []
        sent_records: list[UrgeRecord] = []
        for person in recipients:
            at = deliver_at(self.ctx, person, item, now, calendar)  # after their quiet hours
            record = await uow.urging.add(
                UrgeRecord(
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
            )
            if record is None:
                continue  # already urged under this key: never twice
            await self.notifier.send(
                uow,
                kind,
                item,
                person,
                now=now,
                key={"idem_key": record.idem_key},
                data={"record": record, "extra": self._extra(kind, item, calendar, records)},
                purpose=f"urge:{record.id}",
                not_before=at if at > now else None,
            )
            sent_to.append(person.user_id)
            sent_records.append(record)
        if not sent_to:
            return 0
        if planned.rung is Rung.NOTICE:
            # The written notice is formal: the assigner watches who answers it (DING-style).
            await tracking.post(uow, self.people, item, sent_records, item.assigner_id, now)
        item.urged(planned.rung.value, now, escalation=planned.rung is Rung.ESCALATION)
        if planned.rung is Rung.ESCALATION:
            await self._webhook(uow, item, planned, now)
        await uow.events.append(
            item.id,
            ItemEvent(
                EventKind.ESCALATED if planned.rung is Rung.ESCALATION else EventKind.URGED,
                now,
                None,
                {
                    "rung": planned.rung.value,
                    "round": planned.round,
                    "recipients": sent_to,
                    "detail": planned.rung.value,
                },
            ),
        )
        return 1

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
