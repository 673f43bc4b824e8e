"""The urging ladder (催办) as a pure function of an item's schedule, its urging history and the clock.

Rungs, weakest first: routine check-ins ("phone urging" 电话催办) at set points and on the item's
cadence; repeats of an unanswered check-in; the due-day reminder; the written urging notice (催办通知)
once overdue; escalation to the leader and the office (当面催办) when the notice goes unanswered.
The sweep calls :func:`decide` for an item that is due; the answer says what to send now (at most
one thing) and when to look at the item again. Nothing here reads a clock or touches I/O.

Points of one open item (instants in the organisation's timezone; unless the item is urgent every
point is moved to the next working time of ``work_start``–``work_end`` on working days, 调休
make-up days included):

- CHECKIN: with a cadence, every matching working day (or every N working days counted from the
  issue date) at ``cadence.at``; without one, half time (the working-day midpoint between issue
  and due date) at ``work_start``. Either way also the pre-deadline warning ``warn_workdays_short``
  (span ≤ ``short_item_days`` calendar days) or ``warn_workdays_long`` working days before the due
  date; it gives way to a cadence point on the same day, and half time gives way to it when half
  time is not earlier. Only points strictly after the issue instant and before the due reminder.
- DUE (round 0): the due date's working day (else the last one before it) at ``work_start``.
- NOTICE (round 1): ``work_start`` of the first working day after the due date.
- ESCALATION (round 1): ``notice_answer_workdays`` working days after the notice was *sent*, same
  wall time, if the notice (or a repeat of it) is still unanswered.
- REPEAT: ``repeat_after_work_hours`` working hours after the last send of the latest check-in
  round (or of the notice) while unanswered, at most ``max_repeats`` per round.

A date the unit promised (:func:`with_promise`) that is later than the deadline re-plans the ladder
against it, so when a promise passes unkept the due reminder, the notice and the escalation start
again: an answered notice never ends the urging of an item that is still not done.

Check-in rounds are numbered in the order check-ins are sent; a repeat carries the round it repeats
(``NOTICE_REPEAT_ROUND`` for the notice). ``snoozed_until`` holds back check-ins and repeats only.
Of the points due and unsent only the highest-ranked one is sent (escalation > notice > due > latest
check-in > repeat); everything below it is passed for good, so catch-up after downtime sends one
thing. A check-in point is passed once a check-in was sent at or after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.cadence import Cadence
from bot.domain.calendar import WorkCalendar
from bot.domain.urge_terms import (  # the terms are re-exported: callers import them from here too
    DUE_ROUND,
    ESCALATION_ROUND,
    MIN_REPEAT_DELAY,
    NOTICE_REPEAT_BASE,  # noqa: F401
    NOTICE_REPEAT_ROUND,
    NOTICE_ROUND,
    Answer,  # noqa: F401
    Decision,
    PlannedUrge,
    Rung,
    SentUrge,
    UrgePolicy,
    UrgeSubject,
    _utc,
    is_notice_repeat,  # noqa: F401
    urge_key,
    with_promise,
)

# next_at for a point that is somehow still due right after the planned send (defensive; a sweep
# must never be told to come back at an instant that is not in the future).
_RETRY_DELAY = timedelta(minutes=1)

_LADDER_RUNGS = frozenset({Rung.CHECKIN, Rung.REPEAT, Rung.DUE, Rung.NOTICE, Rung.ESCALATION})
# Catch-up picks the highest-ranked point among those due (ranks are also the ladder's time order).
_RANK = {Rung.REPEAT: 0, Rung.CHECKIN: 1, Rung.DUE: 2, Rung.NOTICE: 3, Rung.ESCALATION: 4}


# -- the ladder ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Point:
    rung: Rung
    round: int
    at: datetime  # when it may be sent (UTC), after working-time and snooze adjustment
    order: datetime  # its planned instant before snoozing (UTC): the tie-break among check-ins
    repeat: int = 0  # for REPEAT: which repeat of the round this is (1..max_repeats)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware: {value!r}")


class _Plan:
    """The schedule of one item under one calendar and policy (all instants compared in UTC)."""

    def __init__(self, subject: UrgeSubject, calendar: WorkCalendar, policy: UrgePolicy, tz: str) -> None:
        self.subject = subject
        self.cal = calendar
        self.policy = policy
        self.zone = ZoneInfo(tz)
        self.issue = _utc(subject.issued_at)
        self.issue_day = subject.issued_at.astimezone(self.zone).date()
        self.since = _utc(subject.replanned_at) if subject.replanned_at is not None else None
        self.snooze = _utc(subject.snoozed_until) if subject.snoozed_until is not None else None
        self.due_at = self._not_before_issue(self._at(self._due_day(), policy.work_start))
        self.notice_at = self._not_before_issue(
            self._at(calendar.next_workday(subject.due), policy.work_start)
        )

    # -- time helpers ------------------------------------------------------------------------

    def _adjust(self, instant: datetime) -> datetime:
        """Move to the next working time (urgent items keep the instant)."""
        local = instant.astimezone(self.zone)
        if not self.subject.urgent:
            local = self.cal.next_working_time(local, self.policy.work_start, self.policy.work_end)
        return _utc(local)

    def _at(self, day: date, at: time) -> datetime:
        return self._adjust(datetime.combine(day, at, tzinfo=self.zone))

    def _not_before_issue(self, instant: datetime) -> datetime:
        return instant if instant >= self.issue else self._adjust(self.issue)

    def _snoozed(self, instant: datetime) -> datetime:
        if self.snooze is not None and instant < self.snooze:
            return self._adjust(self.snooze)
        return instant

    def _due_day(self) -> date:
        due = self.subject.due
        return due if self.cal.is_workday(due) else self.cal.previous_workday(due)

    def after_working_hours(self, start: datetime, hours: int) -> datetime:
        """``hours`` working hours (inside work_start–work_end of working days) after ``start``."""
        ws, we = self.policy.work_start, self.policy.work_end
        remaining = max(timedelta(hours=hours), MIN_REPEAT_DELAY)
        current = self.cal.next_working_time(start.astimezone(self.zone), ws, we)
        while True:
            available = datetime.combine(current.date(), we, tzinfo=self.zone) - current
            if remaining < available:
                return _utc(current + remaining)
            remaining -= available
            current = datetime.combine(self.cal.next_workday(current.date()), ws, tzinfo=self.zone)

    def escalation_at(self, notice_sent: datetime) -> datetime:
        local = notice_sent.astimezone(self.zone)
        day = self.cal.add_workdays(local.date(), self.policy.notice_answer_workdays)
        return self._adjust(datetime.combine(day, local.time(), tzinfo=self.zone))

    # -- check-in points ---------------------------------------------------------------------

    def _halftime(self) -> datetime | None:
        if not self.policy.halftime_checkin:
            return None
        span = self.cal.workdays_between(self.issue_day, self.subject.due)
        if span <= 0:
            return None
        return self._at(self.cal.add_workdays(self.issue_day, span // 2), self.policy.work_start)

    def _pre_deadline(self) -> datetime | None:
        policy, due = self.policy, self.subject.due
        short = (due - self.issue_day).days <= policy.short_item_days
        workdays = policy.warn_workdays_short if short else policy.warn_workdays_long
        if workdays <= 0:
            return None
        return self._at(self.cal.add_workdays(due, -workdays), policy.work_start)

    def _cadence_points(self, cadence: Cadence) -> list[datetime]:
        due, points = self.subject.due, []
        if cadence.every_workdays:
            day = self.cal.add_workdays(self.issue_day, cadence.every_workdays)
            while day <= due:
                points.append(self._at(day, cadence.at))
                day = self.cal.add_workdays(day, cadence.every_workdays)
        else:
            day = self.issue_day
            while day <= due:
                if day.weekday() in cadence.weekdays and self.cal.is_workday(day):
                    points.append(self._at(day, cadence.at))
                day += timedelta(days=1)
        return points

    def checkin_points(self) -> list[datetime]:
        """Planned check-in instants (working-time adjusted, before snoozing), strictly after the
        issue instant and before the due reminder, in time order."""
        cadence = self.subject.cadence
        pre = self._pre_deadline()
        if pre is not None and pre <= self.issue:
            pre = None
        if cadence is not None and (cadence.weekdays or cadence.every_workdays):
            points = self._cadence_points(cadence)
            days = {p.astimezone(self.zone).date() for p in points if p > self.issue}
            if pre is not None and pre.astimezone(self.zone).date() not in days:
                points.append(pre)
        else:
            half = self._halftime()
            if half is not None and half <= self.issue:
                half = None
            points = [p for p in (pre, half) if p is not None]
            if pre is not None and half is not None and half >= pre:
                points = [pre]  # too close together: the pre-deadline warning says more
        return sorted({p for p in points if self.issue < p < self.due_at})

    # -- what could be sent --------------------------------------------------------------------

    def _current(self, entry: SentUrge, point_at: datetime) -> bool:
        """Whether a DUE/NOTICE/ESCALATION entry belongs to the current deadline: sent after the
        last re-plan, or at/after the instant its point has now (then it is the same reminder)."""
        sent = _utc(entry.sent_at)
        return self.since is None or sent >= self.since or sent >= point_at

    def _repeat(self, chain: list[SentUrge], round_: int) -> _Point | None:
        """The next repeat of a round whose sends (the original first) are ``chain``."""
        if any(entry.answered_at is not None for entry in chain):
            return None
        done = sum(1 for entry in chain if entry.rung is Rung.REPEAT)
        if done >= self.policy.max_repeats:
            return None
        last = max(_utc(entry.sent_at) for entry in chain)
        planned = self.after_working_hours(last, self.policy.repeat_after_work_hours)
        return _Point(Rung.REPEAT, round_, self._snoozed(planned), planned, done + 1)

    def candidates(self, history: Iterable[SentUrge]) -> list[_Point]:
        """Every point that could be sent next, assuming ``history`` was sent and nothing more."""
        ladder = sorted((e for e in history if e.rung in _LADDER_RUNGS), key=lambda e: _utc(e.sent_at))

        def sent(rung: Rung, round_: int, point_at: datetime) -> list[SentUrge]:
            return [e for e in ladder if e.rung is rung and e.round == round_ and self._current(e, point_at)]

        if sent(Rung.ESCALATION, ESCALATION_ROUND, self.notice_at):
            return []
        notices = sent(Rung.NOTICE, NOTICE_ROUND, self.notice_at)
        if notices:
            notice = notices[0]
            first = _utc(notice.sent_at)
            chain = [notice] + [
                e
                for e in ladder
                if e.rung is Rung.REPEAT and e.round == NOTICE_REPEAT_ROUND and _utc(e.sent_at) >= first
            ]
            if any(e.answered_at is not None for e in chain):
                return []  # the notice's form was answered: the ladder stops here
            escalation = self.escalation_at(notice.sent_at)
            points = [_Point(Rung.ESCALATION, ESCALATION_ROUND, escalation, escalation)]
            repeat = self._repeat(chain, NOTICE_REPEAT_ROUND)
            return points if repeat is None else [*points, repeat]

        points = [_Point(Rung.NOTICE, NOTICE_ROUND, self.notice_at, self.notice_at)]
        if sent(Rung.DUE, DUE_ROUND, self.due_at):
            return points
        points.append(_Point(Rung.DUE, DUE_ROUND, self.due_at, self.due_at))

        checkins = [e for e in ladder if e.rung is Rung.CHECKIN]
        passed = [_utc(e.sent_at) for e in checkins]
        if self.since is not None:
            passed.append(self.since)
        bound = max(passed, default=None)
        next_round = max((e.round for e in checkins), default=0) + 1
        for planned in self.checkin_points():
            if bound is None or planned > bound:
                points.append(_Point(Rung.CHECKIN, next_round, self._snoozed(planned), planned))

        if checkins:
            latest = checkins[-1]
            latest_sent = _utc(latest.sent_at)
            superseded = any(
                e.rung in (Rung.DUE, Rung.NOTICE, Rung.ESCALATION) and _utc(e.sent_at) > latest_sent
                for e in ladder
            )
            if not superseded:
                chain = [latest] + [
                    e
                    for e in ladder
                    if e.rung is Rung.REPEAT and e.round == latest.round and _utc(e.sent_at) >= latest_sent
                ]
                repeat = self._repeat(chain, latest.round)
                if repeat is not None:
                    points.append(repeat)
        return points

    def planned(self, point: _Point, tz: str) -> PlannedUrge:
        scheduled = point.at.astimezone(self.zone)
        return PlannedUrge(
            point.rung, point.round, scheduled, urge_key(point.rung, point.round, scheduled, tz, point.repeat)
        )


def decide(
    subject: UrgeSubject, now: datetime, calendar: WorkCalendar, policy: UrgePolicy, tz: str
) -> Decision:
    """What to send for one open item at ``now``, and when to look at it again.

    The item's points (see the module docstring): routine check-ins (the
    cadence's, or half-time and pre-deadline by default), repeats of an unanswered check-in or
    notice after ``repeat_after_work_hours`` working hours, the due reminder, the written notice on
    the first working day after the deadline and the escalation when the notice stays unanswered for
    ``notice_answer_workdays`` working days. Of the points that are due and not yet sent only the
    highest-ranked (escalation > notice > due > latest check-in > repeat) is sent; the others are
    passed for good (catch-up after downtime sends one thing, never a backlog). ``next_at`` is the
    earliest instant after ``now`` at which a point falls due, assuming ``send`` is recorded in the
    history (sent at ``now``) and nothing is answered meanwhile; ``None`` when nothing is left.
    A non-urgent item sends nothing outside working time (a sweep at night after downtime defers
    the catch-up to the start of the next working period).
    Years without the published schedule are computed by the calendar (see ``provisional_years``).
    """
    _require_aware(now, "now")
    _require_aware(subject.issued_at, "issued_at")
    subject = with_promise(subject)
    plan = _Plan(subject, calendar, policy, tz)
    current = _utc(now)
    points = plan.candidates(subject.history)
    due_now = [p for p in points if p.at <= current]
    send: PlannedUrge | None = None
    opens = plan._adjust(current)  # == current in working time and for urgent items
    if due_now and opens > current:
        # Outside working time a non-urgent item waits: what is due goes out when work starts.
        return Decision(None, min(max(p.at, opens) for p in points).astimezone(plan.zone))
    if due_now:
        best = max(due_now, key=lambda p: (_RANK[p.rung], p.order, p.at))
        send = plan.planned(best, tz)
        points = plan.candidates((*subject.history, SentUrge(best.rung, best.round, current)))
    times = [p.at if p.at > current else current + _RETRY_DELAY for p in points]
    next_at = min(times).astimezone(plan.zone) if times else None
    return Decision(send, next_at)
