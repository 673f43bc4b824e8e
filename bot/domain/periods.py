"""Bulletin periods (week, month, quarter, year) and when each period's bulletin falls due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: date  # first day
    end: date  # last day (inclusive)

    @property
    def key(self) -> str:
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.kind, self.end + timedelta(days=1))


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def period_containing(kind: PeriodKind | str, day: date) -> Period:
    """The week (Monday–Sunday), month, quarter or year that contains ``day``."""
    kind = PeriodKind(kind)
    if kind is PeriodKind.WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind is PeriodKind.MONTH:
        return Period(kind, date(day.year, day.month, 1), _month_end(day.year, day.month))
    if kind is PeriodKind.QUARTER:
        first = 3 * ((day.month - 1) // 3) + 1
        return Period(kind, date(day.year, first, 1), _month_end(day.year, first + 2))
    return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))


def recent_periods(period: Period, count: int) -> list[Period]:
    """``count`` periods ending with ``period``, oldest first."""
    result = [period]
    while len(result) < count:
        result.append(result[-1].previous())
    return result[::-1]


# -- when bulletins are due (每期首个工作日 09:00，仅在工作时间) ----------------------------------------


def posting_day(period: Period, calendar: WorkCalendar) -> date:
    """The day the bulletin of the period *before* ``period`` is posted, within ``period``: its first
    working day (Monday for a week, unless Monday is a holiday; 调休 make-up Sundays do not count
    before the Monday they precede, since the period starts on Monday)."""
    try:
        return calendar.next_workday(period.start, include_today=True)
    except DomainError:
        return calendar.with_guessing().next_workday(period.start, include_today=True)


def due_period(kind: PeriodKind | str, local_now: datetime, calendar: WorkCalendar, at: time) -> Period:
    """The most recent period whose bulletin has fallen due by ``local_now`` (wall-clock time).

    After downtime this is still only the latest missed period: older ones are not caught up.
    """
    current = period_containing(kind, local_now.date())
    posting = datetime.combine(posting_day(current, calendar), at, tzinfo=local_now.tzinfo)
    previous = current.previous()
    return previous if local_now >= posting else previous.previous()


def due_periods(
    kind: PeriodKind | str, local_now: datetime, calendar: WorkCalendar, at: time
) -> list[Period]:
    """``due_period`` and, oldest first, any period before it whose posting day was pushed onto the same
    day by holidays (a week of Spring Festival: the week before it and the holiday week both go out on
    the first working day after it). Downtime is still not caught up."""
    latest = due_period(kind, local_now, calendar, at)
    day = posting_day(latest.next(), calendar)
    result = [latest]
    earlier = latest.previous()
    while posting_day(earlier.next(), calendar) == day:
        result.insert(0, earlier)
        earlier = earlier.previous()
    return result


def may_post(local_now: datetime, calendar: WorkCalendar, start: time, end: time) -> bool:
    """Scheduled bulletins go out only in the organisation's working hours on working days: one that
    falls due on a holiday, a weekend or at night (a restart at 23:00) waits until the next working
    morning. The bulletin row (kind, period) still decides that it goes out once."""
    try:
        return calendar.is_working_time(local_now.replace(tzinfo=None), start, end)
    except DomainError:
        return calendar.with_guessing().is_working_time(local_now.replace(tzinfo=None), start, end)
