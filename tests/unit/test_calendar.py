from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar_sources import ComputedHolidays, OfficialSchedule, standard_calendar
from bot.domain.calendar import DaySource, WorkCalendar
from bot.domain.errors import DomainError
from tests.properties import examples

CST = timezone(timedelta(hours=8))
CAL = standard_calendar()
# The years the bundled chinese_calendar data covers (checked in test_provider_coverage).
FIRST_YEAR, LAST_YEAR = 2004, 2026


def d(text: str) -> date:
    return date.fromisoformat(text)


# -- provider ---------------------------------------------------------------------------------


def test_provider_coverage() -> None:
    provider = OfficialSchedule()
    assert provider.covers(FIRST_YEAR)
    assert provider.covers(LAST_YEAR)
    assert not provider.covers(FIRST_YEAR - 1)
    assert not provider.covers(LAST_YEAR + 1)
    assert not provider.covers(0)
    assert not provider.covers(10000)


def test_provider_holiday_names() -> None:
    provider = OfficialSchedule()
    assert provider.holiday_name(d("2025-10-01")) == "National Day"
    assert provider.holiday_name(d("2026-02-17")) == "Spring Festival"
    assert provider.holiday_name(d("2026-03-03")) is None


# -- official days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    ["2025-09-28", "2025-10-11", "2024-10-12", "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"],
)
def test_make_up_weekend_days_are_working_days(day: str) -> None:
    assert d(day).weekday() >= 5
    assert CAL.is_workday(d(day))


def test_make_up_day_carries_the_holiday_name() -> None:
    assert CAL.holiday_name(d("2025-09-28")) == "National Day"


def test_national_day_week_2025_is_off() -> None:
    for offset in range(8):
        day = d("2025-10-01") + timedelta(days=offset)
        assert not CAL.is_workday(day), day
        # 2025's Mid-Autumn Festival (6 Oct) falls inside the Golden Week and keeps its own name.
        assert CAL.holiday_name(day) == ("Mid-autumn Festival" if day.day == 6 else "National Day")
    assert CAL.is_workday(d("2025-10-09"))


def test_spring_festival_2026_is_off() -> None:
    for offset in range(9):
        day = d("2026-02-15") + timedelta(days=offset)
        assert not CAL.is_workday(day), day
    assert CAL.is_workday(d("2026-02-24"))


def test_ordinary_days() -> None:
    assert CAL.is_workday(d("2026-11-26"))  # Thursday
    assert not CAL.is_workday(d("2026-11-28"))  # Saturday
    assert CAL.holiday_name(d("2026-11-26")) is None


def test_add_workdays_across_spring_festival() -> None:
    # Fri 13 Feb 2026 -> Sat 14 Feb (make-up day) -> holiday until Mon 23 Feb -> Tue 24 Feb.
    assert CAL.add_workdays(d("2026-02-13"), 1) == d("2026-02-14")
    assert CAL.add_workdays(d("2026-02-13"), 2) == d("2026-02-24")
    assert CAL.add_workdays(d("2026-02-24"), -1) == d("2026-02-14")
    assert CAL.workdays_between(d("2026-02-13"), d("2026-02-24")) == 2
    assert CAL.workdays_between(d("2026-02-24"), d("2026-02-13")) == -2


def test_add_workdays_zero_and_weekend() -> None:
    assert CAL.add_workdays(d("2026-11-26"), 0) == d("2026-11-26")
    assert CAL.add_workdays(d("2026-11-28"), 0) == d("2026-11-30")
    assert CAL.add_workdays(d("2026-11-27"), 1) == d("2026-11-30")
    assert CAL.add_workdays(d("2026-11-30"), -1) == d("2026-11-27")
    assert CAL.add_workdays(d("2026-11-29"), -1) == d("2026-11-27")


def test_next_workday() -> None:
    assert CAL.next_workday(d("2025-09-30")) == d("2025-10-09")
    assert CAL.next_workday(d("2025-10-09"), include_today=True) == d("2025-10-09")
    assert CAL.next_workday(d("2025-10-09")) == d("2025-10-10")


def test_workdays_between_same_day_is_zero() -> None:
    assert CAL.workdays_between(d("2026-05-06"), d("2026-05-06")) == 0


# -- overrides, confirmed and unknown years ---------------------------------------------------


def test_overrides_win_over_the_provider() -> None:
    cal = standard_calendar({d("2026-11-26"): False, d("2026-11-28"): True, d("2025-10-01"): True})
    assert not cal.is_workday(d("2026-11-26"))
    assert cal.is_workday(d("2026-11-28"))
    assert cal.is_workday(d("2025-10-01"))
    assert cal.add_workdays(d("2026-11-25"), 1) == d("2026-11-27")
    assert cal.add_workdays(d("2026-11-27"), 1) == d("2026-11-28")


def test_confirmed_year_uses_overrides_and_monday_to_friday() -> None:
    overrides = {d("2031-01-01"): False, d("2031-01-02"): False, d("2031-01-04"): True}
    cal = standard_calendar(overrides, {2031})
    assert cal.covers(2031)
    assert not cal.covers(2032)
    assert not cal.is_workday(d("2031-01-01"))  # Wednesday, override
    assert cal.is_workday(d("2031-01-03"))  # Friday, plain rule
    assert cal.is_workday(d("2031-01-04"))  # Saturday, override
    assert not cal.is_workday(d("2031-01-05"))  # Sunday, plain rule
    assert cal.add_workdays(d("2031-01-01"), 2) == d("2031-01-04")
    assert cal.guessed_years == set()


def test_a_year_without_the_schedule_is_computed_not_refused() -> None:
    cal = standard_calendar()
    assert not cal.covers(2031)
    assert cal.is_workday(d("2031-06-02"))  # Monday
    assert not cal.is_workday(d("2031-10-01"))  # National Day, computed
    assert cal.add_workdays(d("2026-12-30"), 3) == d("2027-01-05")  # 1 Jan 2027 is New Year's Day
    assert cal.provisional_years == {2027, 2031}
    assert cal.source(d("2031-10-01")) is DaySource.COMPUTED
    assert cal.is_provisional(d("2027-03-01"))
    assert not cal.is_provisional(d("2026-03-02"))


def test_override_answers_in_a_computed_year_and_is_entered() -> None:
    cal = standard_calendar({d("2031-06-02"): False})
    assert not cal.is_workday(d("2031-06-02"))
    assert cal.source(d("2031-06-02")) is DaySource.ENTERED
    assert cal.is_workday(d("2031-06-03"))
    assert cal.is_provisional(d("2031-06-02"))  # the year is still not confirmed


def test_guessing_copies_share_sources_not_provisional_years() -> None:
    cal = standard_calendar().with_guessing()
    assert cal.is_workday(d("2031-06-02"))
    assert cal.guessed_years == {2031}
    assert CAL.with_guessing().guessed_years == set()


def test_with_guessing_keeps_overrides_and_confirmed_years() -> None:
    cal = WorkCalendar(overrides={d("2031-01-01"): False}, confirmed_years={2031}).with_guessing()
    assert not cal.is_workday(d("2031-01-01"))
    assert cal.is_workday(d("2031-01-02"))
    assert cal.guessed_years == set()


def test_no_provider_means_monday_to_friday() -> None:
    cal = WorkCalendar()
    assert cal.is_workday(d("2026-10-01"))  # Thursday: no holidays without a provider
    assert not cal.is_workday(d("2026-10-03"))  # Saturday
    assert cal.provisional_years == {2026}


# -- providers for 2026 and 2027, as the app wires them ----------------------------------------


def test_2026_is_official_2027_is_computed() -> None:
    cal = standard_calendar()
    assert cal.source(d("2026-10-01")) is DaySource.OFFICIAL
    assert cal.source(d("2027-10-01")) is DaySource.COMPUTED
    # 2026: the package knows the 调休 make-up Sunday; 2027: statutory days only.
    assert cal.is_workday(d("2026-01-04"))
    assert not cal.is_workday(d("2027-02-08"))  # Spring Festival 2027 (computed)
    assert not cal.is_workday(d("2027-10-05"))  # National Day (observed)
    assert cal.is_workday(d("2027-10-08"))
    assert cal.holiday_name(d("2027-10-01")) == "National Day"
    assert cal.provisional_years == {2027}


def test_computed_provider_knows_published_make_up_days_too() -> None:
    computed = ComputedHolidays()
    assert computed.is_workday(d("2026-01-04"))  # Sunday, made up for New Year 2026
    assert not computed.is_workday(d("2026-10-01"))
    assert computed.holiday_name(d("2027-01-01")) == "New Year's Day"


def test_entered_year_replaces_the_computed_one() -> None:
    official_2027 = {d("2027-02-11"): False, d("2027-02-12"): False, d("2027-02-20"): True}
    cal = standard_calendar(official_2027, {2027})
    assert cal.covers(2027) and not cal.is_provisional(d("2027-05-01"))
    assert cal.is_workday(d("2027-02-09"))  # computed as off, but not in the entered schedule
    assert not cal.is_workday(d("2027-02-11"))
    assert cal.is_workday(d("2027-02-20"))  # Saturday make-up workday
    assert cal.source(d("2027-03-01")) is DaySource.ENTERED
    assert cal.provisional_years == set()


def test_year_days_lists_holidays_and_make_up_days_with_sources() -> None:
    cal = standard_calendar({d("2027-02-20"): True, d("2027-02-11"): False})
    days = {listed.day: listed for listed in cal.year_days(2027)}
    assert days[d("2027-02-20")].is_workday and days[d("2027-02-20")].source is DaySource.ENTERED
    assert days[d("2027-02-11")].source is DaySource.ENTERED
    assert days[d("2027-10-01")].source is DaySource.COMPUTED and days[d("2027-10-01")].name
    assert d("2027-03-06") not in days  # an ordinary Saturday
    official = {listed.day: listed for listed in cal.year_days(2026)}
    assert official[d("2026-01-04")].is_workday and official[d("2026-01-04")].source is DaySource.OFFICIAL
    assert not official[d("2026-10-01")].is_workday


class _AlwaysOff:
    def is_workday(self, day: date) -> bool:
        return False

    def holiday_name(self, day: date) -> str | None:
        return "never"

    def covers(self, year: int) -> bool:
        return True


def test_no_workday_is_bounded() -> None:
    cal = WorkCalendar(_AlwaysOff(), computed=_AlwaysOff())
    with pytest.raises(DomainError) as info:
        cal.next_workday(d("2026-01-01"))
    assert info.value.code == "calendar_no_workday"
    assert info.value.params == {"day": "2026-01-01"}
    with pytest.raises(DomainError):
        cal.add_workdays(d("2026-01-01"), -1)


def test_date_range_end_is_a_domain_error() -> None:
    cal = standard_calendar(confirmed_years={9999})
    with pytest.raises(DomainError) as info:
        cal.add_workdays(date(9999, 12, 31), 1)
    assert info.value.code == "calendar_no_workday"


# -- working time -----------------------------------------------------------------------------


def test_is_working_time() -> None:
    assert CAL.is_working_time(datetime(2026, 11, 26, 9, 0, tzinfo=CST))
    assert CAL.is_working_time(datetime(2026, 11, 26, 17, 59, tzinfo=CST))
    assert not CAL.is_working_time(datetime(2026, 11, 26, 18, 0, tzinfo=CST))
    assert not CAL.is_working_time(datetime(2026, 11, 26, 8, 59, tzinfo=CST))
    assert not CAL.is_working_time(datetime(2026, 11, 28, 10, 0, tzinfo=CST))
    assert CAL.is_working_time(datetime(2026, 11, 26, 8, 30, tzinfo=CST), start=time(8, 30))


def test_next_working_time() -> None:
    inside = datetime(2026, 11, 26, 10, 15, tzinfo=CST)
    assert CAL.next_working_time(inside) is inside
    assert CAL.next_working_time(datetime(2026, 11, 26, 7, 0, tzinfo=CST)) == datetime(
        2026, 11, 26, 9, 0, tzinfo=CST
    )
    friday_evening = datetime(2026, 11, 27, 19, 0, tzinfo=CST)
    assert CAL.next_working_time(friday_evening) == datetime(2026, 11, 30, 9, 0, tzinfo=CST)
    before_holiday = datetime(2025, 9, 30, 18, 30, tzinfo=CST)
    result = CAL.next_working_time(before_holiday)
    assert result == datetime(2025, 10, 9, 9, 0, tzinfo=CST)
    assert result.tzinfo is CST


def test_working_hours_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        CAL.is_working_time(datetime(2026, 11, 26, 10, tzinfo=CST), start=time(18), end=time(9))


# -- properties -------------------------------------------------------------------------------

covered_days = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 9, 30))


@settings(max_examples=examples(200), deadline=None)
@given(day=covered_days, n=st.integers(min_value=1, max_value=60))
def test_add_workdays_round_trips(day: date, n: int) -> None:
    target = CAL.add_workdays(day, n)
    assert target > day
    assert CAL.is_workday(target)
    assert CAL.workdays_between(day, target) == n
    assert CAL.workdays_between(target, day) == -n


@settings(max_examples=examples(200), deadline=None)
@given(day=covered_days.filter(lambda x: x.year > FIRST_YEAR), n=st.integers(min_value=1, max_value=60))
def test_add_workdays_backwards(day: date, n: int) -> None:
    target = CAL.add_workdays(day, -n)
    assert target < day
    assert CAL.is_workday(target)
    if CAL.is_workday(day):
        assert CAL.add_workdays(target, n) == day
    assert sum(CAL.is_workday(target + timedelta(days=k)) for k in range((day - target).days)) == n


@settings(max_examples=examples(200), deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(FIRST_YEAR, 1, 1), max_value=datetime(LAST_YEAR, 9, 30)),
    tz=st.sampled_from([CST, UTC]),
)
def test_next_working_time_is_idempotent_and_not_earlier(moment: datetime, tz: timezone) -> None:
    local = moment.replace(tzinfo=tz)
    result = CAL.next_working_time(local)
    assert result >= local
    assert result.tzinfo is tz
    assert CAL.is_working_time(result)
    assert CAL.next_working_time(result) == result
