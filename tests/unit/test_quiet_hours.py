"""Per-person quiet hours (bot.domain.quiet_hours): deferral to the end of the window, on a working
day — on this year's calendar and on the coming year's (2027, computed)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar_sources import standard_calendar
from bot.domain.errors import ParseError
from bot.domain.quiet_hours import DEFAULT_QUIET, QuietHours, defer, parse_quiet, stored

SH = ZoneInfo("Asia/Shanghai")
NY = "America/New_York"
CAL = standard_calendar()
NIGHT = parse_quiet("22:00-08:00")


def at(*args: int, tz: ZoneInfo = SH) -> datetime:
    return datetime(*args, tzinfo=tz)


def test_parse_and_print() -> None:
    assert str(parse_quiet("22:00-08:00")) == "22:00-08:00"
    assert str(parse_quiet("12:00 ~ 13:30")) == "12:00-13:30"
    assert parse_quiet("off") is None and parse_quiet("关闭") is None
    assert stored("22:00-08:00") == NIGHT and stored(None) is None and stored("garbage") is None


@pytest.mark.parametrize("text", ["22-08", "25:00-08:00", "22:00-22:00", "tonight"])
def test_bad_windows_are_refused(text: str) -> None:
    with pytest.raises(ParseError) as refused:
        parse_quiet(text)
    assert refused.value.code == "bad_quiet_hours"


def test_outside_the_window_nothing_moves() -> None:
    moment = at(2026, 12, 7, 10, 0)
    assert defer(moment, NIGHT, "Asia/Shanghai", CAL) == moment
    assert defer(moment, None, "Asia/Shanghai", CAL) == moment  # 10:00 is outside the default night too


def test_an_evening_waits_until_the_next_working_morning() -> None:
    # Monday 7 December 2026, 23:00 → Tuesday 08:00.
    assert defer(at(2026, 12, 7, 23, 0), NIGHT, "Asia/Shanghai", CAL) == at(2026, 12, 8, 8, 0)
    # Friday 22:30 → Monday 08:00 (the weekend is not a working day).
    assert defer(at(2026, 12, 11, 22, 30), NIGHT, "Asia/Shanghai", CAL) == at(2026, 12, 14, 8, 0)


def test_in_the_persons_own_timezone() -> None:
    # 09:05 in Shanghai is 20:05 in New York: Mark's window (21:00-08:00) does not cover it, 10:30 does.
    mark = parse_quiet("21:00-08:00")
    early = at(2026, 12, 8, 9, 5)
    assert defer(early, mark, NY, CAL) == early
    late = at(2026, 12, 8, 10, 30)  # 21:30 Monday in New York → 08:00 Tuesday there
    assert defer(late, mark, NY, CAL) == datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo(NY))


def test_a_midday_window_ends_the_same_day() -> None:
    lunch = parse_quiet("12:00-13:30")
    assert isinstance(lunch, QuietHours)
    assert defer(at(2026, 12, 8, 12, 15), lunch, "Asia/Shanghai", CAL) == at(2026, 12, 8, 13, 30)


def test_the_coming_year_2027_on_the_computed_calendar() -> None:
    # New Year's Day 2027 is a Friday holiday: a message due on the evening of Thursday 31 December 2026
    # waits until Monday 4 January 2027, 08:00.
    assert defer(at(2026, 12, 31, 23, 0), NIGHT, "Asia/Shanghai", CAL) == at(2027, 1, 4, 8, 0)
    # Spring Festival 2027 (6 February): an evening before the holiday ends on a working morning after it.
    deferred = defer(at(2027, 2, 5, 23, 0), NIGHT, "Asia/Shanghai", CAL)
    assert deferred.astimezone(SH).time().hour == 8
    assert CAL.is_workday(deferred.astimezone(SH).date()) and deferred > at(2027, 2, 6, 0, 0)
    assert deferred.astimezone(UTC) > at(2027, 2, 5, 23, 0).astimezone(UTC)


def test_someone_who_set_none_has_the_default_night_in_their_own_timezone() -> None:
    assert str(DEFAULT_QUIET) == "21:00-08:00"
    # Tuesday 8 December 2026, 09:05 in Shanghai = Monday 20:05 in New York: still Mark's evening, sent.
    early = at(2026, 12, 8, 9, 5)
    assert defer(early, None, NY, CAL) == early
    # 10:30 in Shanghai = 21:30 in New York: waits until Tuesday 08:00 there (21:00 Shanghai).
    late = at(2026, 12, 8, 10, 30)
    assert defer(late, None, NY, CAL) == datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo(NY))
    # The same moment for a Shanghai colleague is the working morning: unchanged.
    assert defer(late, None, "Asia/Shanghai", CAL) == late
    # Friday night in New York waits over the weekend until Monday 08:00.
    friday = datetime(2026, 12, 11, 23, 0, tzinfo=ZoneInfo(NY))
    assert defer(friday, None, NY, CAL) == datetime(2026, 12, 14, 8, 0, tzinfo=ZoneInfo(NY))


ZONES = st.sampled_from(["Asia/Shanghai", NY, "Europe/London", "Australia/Sydney", "UTC"])
INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 20), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(instant=INSTANTS, tz=ZONES)
def test_the_default_night_never_reaches_anyone_and_never_sends_early(instant: datetime, tz: str) -> None:
    sent = defer(instant, None, tz, CAL)
    local = sent.astimezone(ZoneInfo(tz))
    assert sent >= instant
    assert not DEFAULT_QUIET.covers(local.time().replace(tzinfo=None))
    was = instant.astimezone(ZoneInfo(tz)).time().replace(tzinfo=None)
    if DEFAULT_QUIET.covers(was):
        assert (local.hour, local.minute) == (8, 0) and CAL.is_workday(local.date())
    else:
        assert sent == instant  # outside the night nothing moves
