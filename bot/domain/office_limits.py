"""The supervision office's own time limits (督查机构时限): register the same day, propose handling
within one working day, issue within two, review within one. Measured apart from the units' record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError
from bot.domain.fairness import local_day
from bot.domain.periods import Period
from bot.domain.register import registered_same_day

# -- the office's own time limits (督查机构时限) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficeTimeline:
    """When the office acted on one item, from its dossier events."""

    registered_at: datetime
    issued_at: datetime | None = None
    reviews: tuple[tuple[datetime, datetime | None], ...] = ()  # (final report, review decision or None)
    proposed_at: datetime | None = None  # handling proposed to the leader (拟办呈批), or issued directly
    received_on: date | None = None  # 收文日期: "registered the same day" counts from it


@dataclass(slots=True)
class OfficeLimits:
    """Register the same day; issue within ``issue_days`` working days; review within ``review_days``."""

    registered: int = 0
    registered_late: int = 0  # registered after the day the matter was received
    proposed_checked: int = 0
    proposed_late: int = 0
    issued_checked: int = 0
    issued_late: int = 0
    reviews_checked: int = 0
    reviews_late: int = 0
    reviews_waiting_late: int = 0  # undecided reports already past the review limit

    @property
    def issue_rate(self) -> float | None:
        return 1 - self.issued_late / self.issued_checked if self.issued_checked else None

    @property
    def review_rate(self) -> float | None:
        return 1 - self.reviews_late / self.reviews_checked if self.reviews_checked else None


def office_limits(
    timelines: Iterable[OfficeTimeline],
    period: Period,
    *,
    today: date,
    tz: tzinfo,
    calendar: WorkCalendar,
    issue_days: int = 2,
    review_days: int = 1,
    propose_days: int = 1,
) -> OfficeLimits:
    """How often the office kept its own time limits for work that fell in ``period``.

    "Register the same day" is measured against the received date (收文日期) when the item has one;
    without it the item was registered the day it was received. An issue is checked when the item
    was registered in the period; a review when the final report came in during the period.
    """
    as_of = min(period.end, today)
    result = OfficeLimits()

    def late(start: datetime, end: datetime | None, days: int) -> bool:
        limit = _limit(calendar, local_day(start, tz), days)
        finished = local_day(end, tz) if end is not None else None
        return finished > limit if finished is not None else as_of > limit

    for timeline in timelines:
        registered = local_day(timeline.registered_at, tz)
        if period.start <= registered <= as_of:
            result.registered += 1
            result.registered_late += not registered_same_day(timeline.received_on, registered)
            # Proposing handling (or issuing straight away, which decides it) within one working day.
            result.proposed_checked += 1
            proposed = timeline.proposed_at or timeline.issued_at
            result.proposed_late += late(timeline.registered_at, proposed, propose_days)
            result.issued_checked += 1
            result.issued_late += late(timeline.registered_at, timeline.issued_at, issue_days)
        for reported_at, decided_at in timeline.reviews:
            if not period.start <= local_day(reported_at, tz) <= as_of:
                continue
            if decided_at is None:
                result.reviews_waiting_late += late(reported_at, None, review_days)
                continue
            result.reviews_checked += 1
            result.reviews_late += late(reported_at, decided_at, review_days)
    return result


def _limit(calendar: WorkCalendar, day: date, days: int) -> date:
    try:
        return calendar.add_workdays(day, days)
    except DomainError:
        return day + timedelta(days=days)
