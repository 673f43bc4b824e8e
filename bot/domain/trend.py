"""The trend of a bulletin's headline figures over recent periods, by the counting rules of
:func:`bot.domain.statistics.compute` (unit tests hold the two equal); each item's days worked out once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from bot.domain.calendar import WorkCalendar
from bot.domain.fairness import (
    FINISHED_STATES,
    NOT_COUNTED_STATES,
    fell_due,
    final_report_day,
    finished_on,
    local_day,
    with_the_office,
)
from bot.domain.figures import Figures, ItemSnapshot, StatsConfig
from bot.domain.periods import Period, recent_periods


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    completed: int
    on_time_rate: float | None
    on_time_rate_original: float | None
    overdue: int


def trend(
    items: Sequence[ItemSnapshot],
    period: Period,
    *,
    count: int,
    today: date,
    tz: tzinfo,
    calendar: WorkCalendar,
    config: StatsConfig | None = None,
) -> list[TrendPoint]:
    """The headline figures of the last ``count`` periods ending with ``period``, oldest first.

    The same rules as :func:`compute` (which the unit tests hold it to): each item's days (issue, finish,
    the day that judges it) are worked out once, then every period only compares dates."""
    del calendar, config  # the headline figures need neither (the signature matches compute's)
    facts = list(_day_facts(items, tz))
    points = []
    for each in recent_periods(period, count):
        figures = _headline(facts, each, today)
        points.append(
            TrendPoint(
                each,
                figures.completed,
                figures.on_time_rate,
                figures.on_time_rate_original,
                figures.overdue,
            )
        )
    return points


_DayFacts = tuple[date, date | None, date | None, date | None, date | None, date | None]


def _day_facts(items: Iterable[ItemSnapshot], tz: tzinfo) -> Iterator[_DayFacts]:
    """(clock start, finished on, judged on, current deadline, original deadline, final report day while the
    office has it) of each counted item."""
    for item in items:
        if item.state in NOT_COUNTED_STATES:
            continue
        created = local_day(item.issued_at or item.created_at, tz)
        done_day = local_day(item.completed_at, tz) if item.completed_at is not None else None
        if done_day is None and item.state in FINISHED_STATES:
            done_day = created
        judged = finished_on(item.final_reported_at, item.completed_at, tz) or done_day
        reported = final_report_day(item.state, item.final_reported_at, tz)
        yield created, done_day, judged, item.current_due, item.original_due, reported


def _headline(facts: Sequence[_DayFacts], period: Period, today: date) -> Figures:
    """Completed, overdue and both on-time rates of ``period``, as :func:`compute` counts them."""
    as_of = min(period.end, today)
    start = period.start
    figures = Figures()
    for created, done_day, judged, due, original, reported_on in facts:
        if created > as_of or (done_day is not None and done_day < start):
            continue
        if done_day is not None and done_day <= as_of:
            assert judged is not None
            figures.completed += 1
            if due is not None:
                figures.due_current += 1
                figures.due_current_on_time += judged <= due
            if original is not None:
                figures.due_original += 1
                figures.due_original_on_time += judged <= original
        else:
            reported = reported_on if reported_on is not None and reported_on <= as_of else None
            figures.overdue += due is not None and as_of > due and not with_the_office(reported, due)
            figures.due_current += fell_due(due, as_of, today) and not with_the_office(reported, due)
            figures.due_original += fell_due(original, as_of, today) and not with_the_office(
                reported, original
            )
    return figures
