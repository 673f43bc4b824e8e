"""一督到底: nothing goes silent until the item is done (pure rules; the sweep applies them).

* The office's own decisions have a time limit: a proposal waiting for a leader's approval (拟办呈批)
  and an extension request waiting for the office are reminded once a working day after
  ``decide_workdays`` working days (:func:`waiting_too_long`).
* Everyone an item was sent to answers it: a co-owner (协办) or the recipient of an FYI transfer
  (转办单) who has not acknowledged it after ``ack_workdays`` working days is chased once a working day
  (:func:`ack_chase_due`).
* After a delay report (the written notice answered, or a report on an overdue item), progress
  reports (续报) are requested every ``progress_workdays`` working days until the item is done
  (:func:`progress_report_due`), as S4 requires (定期续报直至办结).
* A promised date that passes restarts the urging ladder (``bot.domain.urging.with_promise``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class FollowThroughPolicy:
    decide_workdays: int = 1  # the office / a leader decides a proposal or an extension within this
    ack_workdays: int = 1  # an owner acknowledges within this
    progress_workdays: int = 5  # 续报 cadence after a delay report


def _workdays(calendar: WorkCalendar, start: date, end: date) -> int:
    try:
        return calendar.workdays_between(start, end)
    except DomainError:  # a year without a schedule: calendar days rather than silence
        return (end - start).days


def waiting_too_long(
    since: datetime, now: datetime, calendar: WorkCalendar, workdays: int, tz: tzinfo
) -> bool:
    """Has something waited for a decision longer than ``workdays`` working days (on a working day)?"""
    if workdays <= 0:  # the reminder is turned off
        return False
    start, today = since.astimezone(tz).date(), now.astimezone(tz).date()
    return _is_workday(calendar, today) and _workdays(calendar, start, today) > workdays


def working_days_waited(since: datetime, now: datetime, calendar: WorkCalendar, tz: tzinfo) -> int:
    return max(0, _workdays(calendar, since.astimezone(tz).date(), now.astimezone(tz).date()))


def ack_chase_due(
    issued_at: datetime,
    acknowledged_at: datetime | None,
    now: datetime,
    calendar: WorkCalendar,
    policy: FollowThroughPolicy,
    tz: tzinfo,
) -> bool:
    """An owner who has not acknowledged within the limit is chased (once a working day)."""
    if acknowledged_at is not None or policy.ack_workdays <= 0:
        return False
    today = now.astimezone(tz).date()
    return (
        _is_workday(calendar, today)
        and working_days_waited(issued_at, now, calendar, tz) >= policy.ack_workdays
    )


def progress_report_due(
    last_report_at: datetime | None,
    delay_reported_at: datetime | None,
    now: datetime,
    calendar: WorkCalendar,
    policy: FollowThroughPolicy,
    tz: tzinfo,
    last_requested_at: datetime | None = None,
) -> bool:
    """After a delay report, a 续报 is requested once the latest report (or the latest request for
    one) is ``progress_workdays`` working days old: a cadence, never a daily nag."""
    if delay_reported_at is None or policy.progress_workdays <= 0:
        return False
    latest = max(x for x in (last_report_at, delay_reported_at, last_requested_at) if x is not None)
    today = now.astimezone(tz).date()
    return (
        _is_workday(calendar, today)
        and working_days_waited(latest, now, calendar, tz) >= policy.progress_workdays
    )


def _is_workday(calendar: WorkCalendar, day: date) -> bool:
    try:
        return calendar.is_workday(day)
    except DomainError:
        return day.weekday() < 5
