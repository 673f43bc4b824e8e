from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar_sources import standard_calendar
from bot.domain.due_dates import (
    MAX_DAYS_AHEAD,
    DueReading,
    add_months,
    default_due,
    parse_due,
    parse_full_date,
    picked_date,
    read_due,
    required_date,
)
from bot.domain.errors import DomainError, ParseError
from tests.properties import examples

CAL = standard_calendar()
TODAY = date(2026, 11, 26)  # a Thursday


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # full dates
        ("2026-12-05", "2026-12-05"),
        ("2026/12/05", "2026-12-05"),
        ("2026.12.05", "2026-12-05"),
        ("2026-12-5", "2026-12-05"),
        ("20261205", "2026-12-05"),
        ("2026年12月5日", "2026-12-05"),
        ("2026年12月5号", "2026-12-05"),
        ("2027 年 1 月 8 日", "2027-01-08"),
        ("２０２６－１２－０５", "2026-12-05"),
        ("２０２６年１２月５日", "2026-12-05"),
        ("  2026-12-05  ", "2026-12-05"),
        # month and day: the next occurrence on or after today
        ("12-05", "2026-12-05"),
        ("12/05", "2026-12-05"),
        ("12.5", "2026-12-05"),
        ("12月5日", "2026-12-05"),
        ("12月5号", "2026-12-05"),
        ("１２月５日", "2026-12-05"),
        ("11-26", "2026-11-26"),
        ("11-25", "2027-11-25"),
        ("1-3", "2027-01-03"),
        ("11-25", "2027-11-25"),
        # English month names
        ("Dec 31", "2026-12-31"),
        ("dec. 5", "2026-12-05"),
        ("31 Dec", "2026-12-31"),
        ("December 31", "2026-12-31"),
        ("December 31st", "2026-12-31"),
        ("31st of December", "2026-12-31"),
        ("Dec 31, 2027", "2027-12-31"),
        ("31 December 2027", "2027-12-31"),
        ("Jan 3", "2027-01-03"),
        ("sept 1", "2027-09-01"),
        # relative words
        ("today", "2026-11-26"),
        ("TODAY", "2026-11-26"),
        ("今天", "2026-11-26"),
        ("tomorrow", "2026-11-27"),
        ("明天", "2026-11-27"),
        ("后天", "2026-11-28"),
        ("大后天", "2026-11-29"),
        # calendar days and weeks (not moved off weekends)
        ("+3d", "2026-11-29"),
        ("3d", "2026-11-29"),
        ("3D", "2026-11-29"),
        ("3 days", "2026-11-29"),
        ("3天", "2026-11-29"),
        ("＋３天", "2026-11-29"),
        ("0d", "2026-11-26"),
        ("+2w", "2026-12-10"),
        ("2w", "2026-12-10"),
        ("2周", "2026-12-10"),
        ("2个星期", "2026-12-10"),
        ("1个月", "2026-12-26"),
        # working days: Thu 26 Nov + 3 -> Fri 27, Mon 30, Tue 1 Dec
        ("3wd", "2026-12-01"),
        ("+3wd", "2026-12-01"),
        ("3 wd", "2026-12-01"),
        ("3WD", "2026-12-01"),
        ("3个工作日", "2026-12-01"),
        ("3工作日", "2026-12-01"),
        ("3 个工作日", "2026-12-01"),
        ("0wd", "2026-11-26"),
        # weekdays: strictly after today
        ("mon", "2026-11-30"),
        ("Monday", "2026-11-30"),
        ("thu", "2026-12-03"),
        ("thursday", "2026-12-03"),
        ("fri", "2026-11-27"),
        ("sun", "2026-11-29"),
        ("周一", "2026-11-30"),
        ("周四", "2026-12-03"),
        ("周日", "2026-11-29"),
        ("周天", "2026-11-29"),
        ("星期一", "2026-11-30"),
        ("星期日", "2026-11-29"),
        ("礼拜一", "2026-11-30"),
        ("礼拜五", "2026-11-27"),
        # next calendar week (Monday start)
        ("下周五", "2026-12-04"),
        ("下周一", "2026-11-30"),
        ("下星期三", "2026-12-02"),
        ("下个礼拜日", "2026-12-06"),
        ("next fri", "2026-12-04"),
        ("Next Friday", "2026-12-04"),
        ("next mon", "2026-11-30"),
        ("本周五", "2026-11-27"),
        ("this fri", "2026-11-27"),
    ],
)
def test_forms(text: str, expected: str) -> None:
    assert parse_due(text, TODAY, CAL) == d(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "soon",
        "2026-12/05",
        "3x",
        "Dec",
        "Smarch 3",
        "next",
        "下周",
        "周八",
        "monday tuesday",
        "+-3d",
        "1" * 50,
    ],
)
def test_bad_dates(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_due(text, TODAY, CAL)
    assert info.value.code == "bad_date"
    assert info.value.params == {"text": text}


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("2026-02-30", "no_such_day", {"month": 2, "day": 30, "days": 29, "text": "2026-02-30"}),
        ("2月30日", "no_such_day", {"month": 2, "day": 30, "days": 29, "text": "2月30日"}),
        ("Feb 30", "no_such_day", {"month": 2, "day": 30, "days": 29, "text": "Feb 30"}),
        ("12-32", "no_such_day", {"month": 12, "day": 32, "days": 31, "text": "12-32"}),
        ("4月31日", "no_such_day", {"month": 4, "day": 31, "days": 30, "text": "4月31日"}),
        ("0-5", "no_such_month", {"month": 0, "text": "0-5"}),
        ("13-01", "no_such_month", {"month": 13, "text": "13-01"}),
        ("2026-13-01", "no_such_month", {"month": 13, "text": "2026-13-01"}),
        ("2026-00-10", "no_such_month", {"month": 0, "text": "2026-00-10"}),
        ("20261305", "no_such_month", {"month": 13, "text": "20261305"}),
        ("2026年13月1日", "no_such_month", {"month": 13, "text": "2026年13月1日"}),
        ("2-29", "no_such_day_in_year", {"year": 2027, "month": 2, "day": 29, "text": "2-29"}),  # 28 days
        ("2027-02-29", "no_such_day_in_year", {"year": 2027, "month": 2, "day": 29, "text": "2027-02-29"}),
    ],
)
def test_dates_that_do_not_exist_say_why(text: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(ParseError) as info:
        parse_due(text, TODAY, CAL)
    assert (info.value.code, info.value.params) == (code, params)


def test_29_february_of_a_leap_year() -> None:
    assert parse_due("2-29", date(2027, 12, 1), CAL) == date(2028, 2, 29)


@pytest.mark.parametrize(("text", "iso"), [("2026-11-25", "2026-11-25"), ("2020-01-01", "2020-01-01")])
def test_past_dates_are_refused(text: str, iso: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_due(text, TODAY, CAL)
    assert info.value.code == "date_in_past"
    assert info.value.params == {"date": iso, "today": TODAY.isoformat()}


def test_this_week_can_be_past() -> None:
    with pytest.raises(ParseError) as info:
        parse_due("本周一", TODAY, CAL)
    assert info.value.params == {"date": "2026-11-23", "today": TODAY.isoformat()}


@pytest.mark.parametrize("text", ["12月1日", "12-01", "12/1", "Dec 1", "1 December", "1st of Dec"])
def test_a_date_that_rolls_into_next_year_says_so(text: str) -> None:
    reading = read_due(text, date(2026, 12, 16), CAL)
    assert reading == DueReading(date(2027, 12, 1), next_year=True)


@pytest.mark.parametrize("text", ["2027-12-01", "2027年12月1日", "Dec 1 2027", "12月20日", "3wd", "next mon"])
def test_dates_with_a_year_or_this_year_do_not_roll(text: str) -> None:
    assert not read_due(text, date(2026, 12, 16), CAL).next_year


def test_picked_dates_never_show_python_messages() -> None:
    assert picked_date("2027-01-15", "due") == date(2027, 1, 15)
    assert picked_date(None, "due") is None
    for raw in ("2027-02-30", "2027-13-01", "tomorrow", "2027-1-5x"):
        with pytest.raises(ParseError) as info:
            picked_date(raw, "new_date")
        assert (info.value.code, info.value.field) == ("bad_date", "new_date")
        assert "out of range" not in str(info.value.params)
    with pytest.raises(ParseError) as info:
        required_date("", "new_date")
    assert (info.value.code, info.value.field) == ("date_required", "new_date")


def test_too_far() -> None:
    latest = (TODAY + timedelta(days=MAX_DAYS_AHEAD)).isoformat()
    with pytest.raises(ParseError) as info:
        parse_due("2099-01-01", TODAY, CAL)
    assert info.value.code == "date_too_far"
    assert info.value.params == {"date": "2099-01-01", "latest": latest}
    with pytest.raises(ParseError) as info:
        parse_due("9999d", TODAY, CAL)
    assert info.value.params["date"] == (TODAY + timedelta(days=9999)).isoformat()
    with pytest.raises(ParseError) as info:
        parse_due("999999999999d", TODAY, CAL)  # not a representable date: the text is shown
    assert info.value.params["date"] == "999999999999d"
    for text in ("9999wd", "600w", "200个月"):
        with pytest.raises(ParseError) as info:
            parse_due(text, TODAY, CAL)
        assert info.value.code == "date_too_far"
    assert parse_due(f"{MAX_DAYS_AHEAD}d", TODAY, CAL) == TODAY + timedelta(days=MAX_DAYS_AHEAD)


def test_working_days_across_weekend_and_holiday() -> None:
    friday = date(2026, 11, 27)
    assert parse_due("1wd", friday, CAL) == date(2026, 11, 30)
    assert parse_due("2个工作日", date(2026, 2, 13), CAL) == date(2026, 2, 24)  # Spring Festival
    assert parse_due("1wd", date(2025, 9, 26), CAL) == date(2025, 9, 28)  # make-up Sunday


def test_working_days_into_a_computed_year() -> None:
    calendar = standard_calendar()
    # Thu 26 Nov 2026 + 25 working days: 1 Jan 2027 is New Year's Day (computed), so 4 Jan.
    assert parse_due("25wd", TODAY, calendar) == date(2026, 12, 31)
    assert parse_due("26wd", TODAY, calendar) == date(2027, 1, 4)
    assert calendar.provisional_years == {2027}


def test_default_due_in_december_lands_in_a_computed_year() -> None:
    calendar = standard_calendar()
    assert default_due(date(2026, 12, 4), calendar) == date(2027, 1, 4)
    assert calendar.provisional_years == {2027}


def test_calendar_forms_ignore_holidays() -> None:
    assert parse_due("2025-10-01", date(2025, 9, 1), CAL) == date(2025, 10, 1)


def test_default_due() -> None:
    assert default_due(TODAY, CAL) == date(2026, 12, 28)  # 26 Dec is a Saturday
    assert default_due(date(2026, 1, 31), CAL) == date(2026, 2, 28)  # clamped; a make-up Saturday
    assert default_due(date(2026, 9, 8), CAL) == date(2026, 10, 8)  # 2026 Golden Week ends on 7 Oct
    assert default_due(date(2025, 9, 1), CAL) == date(2025, 10, 9)  # 1 Oct 2025 is in Golden Week


def test_add_months_clamps() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_parse_full_date() -> None:
    assert parse_full_date("2027-01-01") == date(2027, 1, 1)
    assert parse_full_date("12-05") is None
    with pytest.raises(ParseError):
        parse_full_date("2027-02-29")


# -- properties -------------------------------------------------------------------------------

near_miss = st.from_regex(
    r"\A[+＋]?[0-9０-９]{0,9}[ \-/.年月日号]{0,3}[0-9]{0,4}[-/.月日号]?[0-9]{0,3}"
    r"(d|w|wd|天|周|个工作日|个月|days|mon|周五|下周五|next fri)?\Z",
)


@settings(max_examples=examples(300), deadline=None)
@given(text=st.one_of(st.text(max_size=30), near_miss))
def test_any_text_gives_a_date_from_today_or_a_domain_error(text: str) -> None:
    try:
        result = parse_due(text, TODAY, CAL)
    except DomainError:
        return
    assert TODAY <= result <= TODAY + timedelta(days=MAX_DAYS_AHEAD)


@settings(max_examples=examples(200), deadline=None)
@given(
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    offset=st.integers(min_value=0, max_value=MAX_DAYS_AHEAD),
    style=st.sampled_from(
        ["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y.%m.%d}", "{:%Y%m%d}", "{0.year}年{0.month}月{0.day}日"]
    ),
)
def test_valid_dates_round_trip(today: date, offset: int, style: str) -> None:
    day = today + timedelta(days=offset)
    assert parse_due(style.format(day), today, CAL) == day


@settings(max_examples=examples(200), deadline=None)
@given(
    today=st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 11, 30)),
    n=st.integers(min_value=0, max_value=15),
    form=st.sampled_from(["{}wd", "+{}wd", "{} wd", "{}个工作日", "{}工作日"]),
)
def test_working_day_forms_land_on_working_days(today: date, n: int, form: str) -> None:
    result = parse_due(form.format(n), today, CAL)
    assert CAL.is_workday(result)
    assert result >= today
    if n == 0:
        assert result == CAL.next_workday(today, include_today=True)
    else:
        assert CAL.workdays_between(today, result) == n
