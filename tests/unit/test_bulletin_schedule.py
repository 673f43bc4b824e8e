"""When scheduled bulletins go out (bot.domain.periods): the first working day of the new period, only in
working hours of working days — a night, a weekend or a holiday waits until the next working morning."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar_sources import standard_calendar
from bot.domain.periods import PeriodKind, due_period, due_periods, may_post, period_containing, posting_day

TZ = ZoneInfo("Asia/Shanghai")
CAL = standard_calendar()
NINE, SIX = time(9), time(18)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        ("2026-11-30 09:00", True),  # Monday morning
        ("2026-11-30 17:59", True),
        ("2026-11-30 18:00", False),  # after work
        ("2026-11-30 23:30", False),  # a restart at night
        ("2026-12-01 03:00", False),
        ("2026-12-05 10:00", False),  # Saturday
        ("2026-10-05 10:00", False),  # Monday in the National Day holidays
        ("2026-10-08 09:00", True),  # the first working day after them
        ("2027-01-01 10:00", False),  # New Year's Day 2027 (the coming year, computed)
        ("2027-01-04 09:00", True),
    ],
)
def test_may_post_only_in_working_hours_of_working_days(now: str, allowed: bool) -> None:
    assert may_post(local(now), CAL, NINE, SIX) is allowed


def test_a_weekly_bulletin_due_on_a_holiday_monday_waits_for_the_first_working_day() -> None:
    holiday_week = period_containing(PeriodKind.WEEK, local("2026-10-05 00:00").date())
    assert posting_day(holiday_week, CAL).isoformat() == "2026-10-08"
    # Monday 5 October 10:00: week 40's bulletin is not due yet (still week 39's turn, already past).
    assert due_period("week", local("2026-10-05 10:00"), CAL, NINE).key == "2026-W39"
    assert due_period("week", local("2026-10-08 09:00"), CAL, NINE).key == "2026-W40"
    # An ordinary Monday is its own first working day.
    assert due_period("week", local("2026-11-30 09:00"), CAL, NINE).key == "2026-W48"


def test_a_year_of_hourly_scheduler_ticks_posts_each_week_once_in_working_hours() -> None:
    """The scheduler ticks every hour of 2026; a bulletin row per (kind, period) is the claim."""
    posted: dict[str, datetime] = {}
    now = local("2026-01-05 00:00")
    while now < local("2027-01-04 00:00"):
        for period in due_periods("week", now, CAL, NINE):
            if may_post(now, CAL, NINE, SIX) and period.key not in posted:
                posted[period.key] = now
        now += timedelta(hours=1)
    assert all(CAL.is_workday(at.date()) and NINE <= at.time() < SIX for at in posted.values())
    assert posted["2026-W40"] == local("2026-10-08 09:00")  # after the National Day holidays
    # Every week of the year once — also week 7, whose Monday-after is the Spring Festival week (W8, all
    # holidays): both go out on the first working day after it. (Weeks 1-52; week 53's is due in 2027.)
    first_monday = local("2025-12-29 00:00").date()
    weeks = [period_containing("week", first_monday + timedelta(weeks=n)).key for n in range(52)]
    assert sorted(posted) == weeks
    assert posted["2026-W07"] == posted["2026-W08"] and CAL.is_workday(posted["2026-W07"].date())
