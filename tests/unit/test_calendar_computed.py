"""Properties of the calendar over years with and without the published schedule (2020–2035)."""

from __future__ import annotations

from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.calendar_sources import COMPUTED, standard_calendar
from bot.domain.calendar import DaySource, WorkCalendar
from tests.properties import examples

CAL = standard_calendar()
ANY_DAY = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
# Years the chinese_calendar package does not know: their working days are computed.
COMPUTED_DAY = st.dates(min_value=date(2027, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=examples(300), deadline=None)
@given(day=ANY_DAY, n=st.integers(min_value=-60, max_value=60))
def test_never_raises_and_lands_on_a_working_day(day: date, n: int) -> None:
    cal = standard_calendar()
    target = cal.add_workdays(day, n)
    assert cal.is_workday(target)
    if n > 0:
        assert target > day and cal.workdays_between(day, target) == n
    elif n < 0:
        assert target < day and cal.workdays_between(target, day) == -n - (not cal.is_workday(day))
    assert isinstance(cal.source(target), DaySource)


@settings(max_examples=examples(200), deadline=None)
@given(day=ANY_DAY, a=st.integers(min_value=0, max_value=80), b=st.integers(min_value=0, max_value=80))
@example(day=date(2020, 1, 1), a=0, b=1)  # New Year's Day: 0 and 1 both land on 2 January
def test_adding_working_days_is_monotonic(day: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert CAL.add_workdays(day, low) <= CAL.add_workdays(day, high)
    # Strict, except that 0 on a rest day rolls forward to the same day 1 reaches.
    rolls_forward = low == 0 and not CAL.is_workday(day)
    if low < high and not (rolls_forward and high == 1):
        assert CAL.add_workdays(day, low) < CAL.add_workdays(day, high)
    if rolls_forward:
        assert CAL.add_workdays(day, 0) == CAL.add_workdays(day, 1)


@settings(max_examples=examples(300), deadline=None)
@given(day=COMPUTED_DAY, n=st.integers(min_value=1, max_value=40))
def test_in_a_computed_year_never_a_weekend_or_a_statutory_holiday(day: date, n: int) -> None:
    cal = standard_calendar()
    target = cal.add_workdays(day, n)
    if target.year >= 2027:
        assert target.weekday() < 5
        assert COMPUTED.holiday_name(target) is None
        assert cal.source(target) is DaySource.COMPUTED
        assert target.year in cal.provisional_years


@settings(max_examples=examples(200), deadline=None)
@given(day=ANY_DAY, n=st.integers(min_value=0, max_value=40))
def test_round_trip_over_every_year(day: date, n: int) -> None:
    target = CAL.add_workdays(day, n)
    if n > 0:
        assert CAL.workdays_between(day, target) == n
        assert CAL.next_workday(CAL.previous_workday(target)) == target
    else:
        assert target == CAL.next_workday(day, include_today=True)


@settings(max_examples=examples(100), deadline=None)
@given(
    day=COMPUTED_DAY,
    entered=st.dictionaries(COMPUTED_DAY, st.booleans(), max_size=20),
)
def test_entered_days_always_win(day: date, entered: dict[date, bool]) -> None:
    cal = standard_calendar(entered, set())
    for when, workday in entered.items():
        assert cal.is_workday(when) is workday
        assert cal.source(when) is DaySource.ENTERED
    assert cal.is_workday(day) in (True, False)


def test_weekends_only_fallback_counts_monday_to_friday() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2027, 10, 1), 1) == date(2027, 10, 4)
