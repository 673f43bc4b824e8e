"""一督到底: the sweep that keeps every open item followed until it is done.

Rules in :mod:`bot.domain.follow_through`; this applies them once a working day per thing owed:
proposals waiting for a leader, extension requests waiting for the office, co-owners and FYI
recipients who never acknowledged, and progress reports (续报) after a delay report. Requests to a
person are urging records (rungs ``ack`` and ``progress``), so they appear with every other
unanswered urging (App Home, "who hasn't answered") and are answered by the acknowledgement or report.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.events import EventKind, ItemEvent
from bot.domain.follow_through import (
    FollowThroughPolicy,
    ack_chase_due,
    progress_report_due,
    waiting_too_long,
    working_days_waited,
)
from bot.domain.items import Item
from bot.domain.lifecycle import OPEN_STATES, OWNER_WORKING_STATES, State
from bot.domain.ports import UnitOfWork
from bot.domain.urge_records import UrgeRecord
from bot.domain.urging import Rung
from bot.notifications import NoticeKind, Notifier, stored_person
from bot.notifications.updates import update_copy
from bot.services.approval_steps import approval_step
from bot.services.base import Service
from bot.services.context import ServiceContext
from bot.services.people import PeopleService
from bot.services.quiet import deliver_at

_ISSUED_OPEN = sorted(s.value for s in OPEN_STATES if s not in (State.REGISTERED, State.PENDING_APPROVAL))
_WORKING = sorted(s.value for s in OWNER_WORKING_STATES)


class FollowThroughService(Service):
    @property
    def policy(self) -> FollowThroughPolicy:
        settings = self.ctx.settings
        return FollowThroughPolicy(
            decide_workdays=settings.decide_workdays,
            ack_workdays=settings.ack_workdays,
            progress_workdays=settings.progress_workdays,
        )

    async def sweep(self) -> int:
        """Everything owed today; returns how many reminders went out. Working time only."""
        local = self.ctx.local_now()
        settings = self.ctx.settings
        async with self.ctx.uow() as uow:
            calendar = (await self.ctx.calendar(uow)).with_guessing()
            if not calendar.is_working_time(local, settings.work_start, settings.work_end):
                return 0
        sent = 0
        for step in (self._proposals, self._extensions, self._acknowledgements, self._progress):
            async with self.ctx.uow() as uow:
                calendar = (await self.ctx.calendar(uow)).with_guessing()
                sent += await step(uow, calendar)
        return sent

    # -- decisions the leaders and the office owe ------------------------------------------------

    async def _proposals(self, uow: UnitOfWork, calendar: Any) -> int:
        now, today, zone = self.ctx.now(), self.ctx.today(), self.ctx.settings.zone
        sent = 0
        for item_id, _ in await uow.follow.pending_proposals():
            item = await uow.items.get(item_id)
            if item is None:
                continue
            # Whoever it waits for: every leader, or the unit's 分管领导 then the principal (two levels).
            step, since = await approval_step(self.ctx, uow, item)
            if not waiting_too_long(since, now, calendar, self.policy.decide_workdays, zone):
                continue
            if not await uow.reports.first_time(f"proposal-waiting:{item_id}:{today}", now):
                continue
            days = working_days_waited(since, now, calendar, zone)
            kind = NoticeKind.PROPOSAL_WAITING
            if step.deciders:
                deciders = [await stored_person(uow, user_id) for user_id in step.deciders]
            else:
                deciders = await self.notifier.audience(uow, kind, item)
            for leader in deciders:
                key, data = {"day": today}, {"days": days}
                await self.notifier.send(uow, kind, item, leader, now=now, key=key, data=data)
            await self._event(uow, item_id, "proposal_waiting", [p.user_id for p in deciders], now)
            sent += 1
        return sent

    async def _extensions(self, uow: UnitOfWork, calendar: Any) -> int:
        now, today, zone = self.ctx.now(), self.ctx.today(), self.ctx.settings.zone
        sent = 0
        for request_id, item_id, since in await uow.follow.pending_extensions(_ISSUED_OPEN):
            if not waiting_too_long(since, now, calendar, self.policy.decide_workdays, zone):
                continue
            if not await uow.reports.first_time(f"extension-waiting:{request_id}:{today}", now):
                continue
            item = await uow.items.get(item_id)
            request = await uow.urging.extension(request_id)
            if item is None or request is None:
                continue
            days = working_days_waited(since, now, calendar, zone)
            kind = NoticeKind.EXTENSION_WAITING
            office = await self.notifier.audience(uow, kind, item)
            key = {"request": request_id, "day": today}
            data = {"request": request_id, "due": request.requested_due, "days": days}
            for person in office:
                await self.notifier.send(uow, kind, item, person, now=now, key=key, data=data)
            await self._event(uow, item_id, "extension_waiting", [p.user_id for p in office], now)
            sent += 1
        return sent

    # -- what the owners owe ---------------------------------------------------------------------

    async def _acknowledgements(self, uow: UnitOfWork, calendar: Any) -> int:
        now, zone = self.ctx.now(), self.ctx.settings.zone
        sent = 0
        for row in await uow.follow.unacknowledged(_ISSUED_OPEN):
            if not ack_chase_due(row.issued_at, None, now, calendar, self.policy, zone):
                continue
            item = await uow.items.get(row.item_id)
            if item is None:
                continue
            days = working_days_waited(row.issued_at, now, calendar, zone)
            if await self._ask(uow, item, Rung.ACK, row.user_id, days, now):
                sent += 1
        return sent

    async def _progress(self, uow: UnitOfWork, calendar: Any) -> int:
        now, zone = self.ctx.now(), self.ctx.settings.zone
        sent = 0
        for item_id, delay_reported, requested in await uow.follow.delay_reports(_WORKING):
            item = await uow.items.get(item_id)
            if item is None:
                continue
            reported = item.reported_at
            if not progress_report_due(reported, delay_reported, now, calendar, self.policy, zone, requested):
                continue
            latest = max(x for x in (reported, delay_reported) if x is not None)
            days = working_days_waited(latest, now, calendar, zone)
            if await self._ask(uow, item, Rung.PROGRESS, item.lead.user_id, days, now):
                sent += 1
        return sent

    async def _ask(
        self, uow: UnitOfWork, item: Item, rung: Rung, user_id: str, days: int, now: datetime
    ) -> bool:
        """One request a working day per person and item, as an urging record and a DM."""
        assert item.id is not None
        today: date = self.ctx.today()
        key = f"{item.id}:{rung.value}:{today.isoformat()}:{user_id}"
        # The claim first (ON CONFLICT DO NOTHING): a second replica waits for it, then skips.
        if not await uow.reports.first_time(f"ask:{key}", now):
            return False
        person = await stored_person(uow, user_id)
        calendar = (await self.ctx.calendar(uow)).with_guessing()
        at = deliver_at(self.ctx, person, item, now, calendar)  # after their quiet hours
        record = await uow.urging.add(
            UrgeRecord(
                id=None,
                item_id=item.id,
                rung=rung.value,
                round=0,
                idem_key=key,
                recipient_id=user_id,
                sent_at=at,
                created_at=now,
                scheduled_for=now,
            )
        )
        if record is None:
            return False
        await ask(self.notifier, uow, item, record, days, now, not_before=at if at > now else None)
        await self._event(uow, item.id, rung.value, [user_id], now)
        return True

    async def _event(self, uow: UnitOfWork, item_id: int, rung: str, to: list[str], now: datetime) -> None:
        await uow.events.append(
            item_id,
            ItemEvent(EventKind.URGED, now, None, {"rung": rung, "recipients": to, "detail": rung}),
        )


ASKS = {Rung.ACK.value: NoticeKind.URGE_ACK, Rung.PROGRESS.value: NoticeKind.URGE_PROGRESS}


async def ask(
    notifier: Notifier,
    uow: UnitOfWork,
    item: Item,
    record: UrgeRecord,
    days: int,
    now: datetime,
    *,
    not_before: datetime | None = None,
) -> None:
    """The request an ``ack`` or ``progress`` urge record stands for, to its recipient (an owner);
    ``not_before``: held until then (the end of their quiet hours)."""
    assert record.recipient_id is not None
    await notifier.send(
        uow,
        ASKS[record.rung],
        item,
        await stored_person(uow, record.recipient_id),
        now=now,
        key={"idem_key": record.idem_key},
        data={"days": days},
        purpose=f"urge:{record.id}",
        not_before=not_before,
    )


async def owner_answered(people: PeopleService, uow: UnitOfWork, item: Item, by: str, now: datetime) -> None:
    """The owner answered (the notice, a report, an extension request): the escalations of the item
    are settled, so the leaders' DMs and the office's App Home stop listing them."""
    assert item.id is not None
    notifier = Notifier(people.ctx.settings)
    for record in await uow.urging.close_escalations(item.id, by, now=now):
        if record.recipient_id is None:
            continue
        await update_copy(
            notifier,
            uow,
            NoticeKind.ESCALATION_SETTLED,
            item,
            await stored_person(uow, record.recipient_id),
            sent_for=f"urge:{record.id}",
            now=now,
            key={"record": record.id},
            data={"by": by, "at": now},
        )


async def days_waited(ctx: ServiceContext, uow: UnitOfWork, item: Item, now: datetime) -> int:
    """Working days since the item was registered (a request to acknowledge or for a 续报, again)."""
    calendar = (await ctx.calendar(uow)).with_guessing()
    return working_days_waited(item.created_at, now, calendar, ctx.settings.zone)


def with_open_acks(records: list[UrgeRecord], latest: list[UrgeRecord]) -> list[UrgeRecord]:
    """ "Who hasn't answered": the latest round, plus each person's latest unanswered request to
    acknowledge (someone who never acknowledged the notice has not answered it either)."""
    waiting = {r.recipient_id for r in latest if not r.answered}
    acks: dict[str | None, UrgeRecord] = {
        r.recipient_id: r
        for r in records
        if r.rung == Rung.ACK.value and not r.answered and r not in latest and r.recipient_id not in waiting
    }
    return [*latest, *acks.values()]
