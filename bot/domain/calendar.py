"""The working-day calendar (工作日历): official holidays, 调休 make-up days and admin overrides.

Deadlines, reminders and "N working days" all go through :class:`WorkCalendar`. It never refuses:
each day is answered from the best source there is, and the calendar remembers which one.

1. an admin's **entered** override for that day (a holiday or a 调休 make-up workday they typed);
2. the **official** schedule the State Council published, from a :class:`HolidayProvider` passed in
   (in the app the ``chinese_calendar`` package, which knows only the years already published);
3. a year an admin **entered** and confirmed completely: days they did not override follow Mon–Fri;
4. otherwise the year is **computed**: statutory holidays worked out by rule (in the app the
   ``holidays`` package) plus weekends. Such answers are provisional and the year is recorded in
   ``provisional_years``, so callers can mark deadlines provisional and tell the office.

The providers are plain data sources handed in by the caller; this module imports neither package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.errors import DomainError

# No real calendar has this many consecutive days off; walking further means bad data.
MAX_SCAN_DAYS = 400

_ONE_DAY = timedelta(days=1)


class UnknownCalendarYear(DomainError):
    """Kept for callers written before the calendar answered every year; nothing raises it now."""

    def __init__(self, year: int) -> None:
        super().__init__("calendar_year_unknown", year=year)
        self.year = year


class DaySource(StrEnum):
    OFFICIAL = "official"  # the published schedule shipped in a package (chinese_calendar)
    ENTERED = "entered"  # typed by an admin: an override, or a year they confirmed
    COMPUTED = "computed"  # statutory holidays by rule plus weekends: provisional


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One day worth listing: a holiday, a weekday off or a weekend make-up workday."""

    day: date
    is_workday: bool
    source: DaySource
    name: str | None = None


class HolidayProvider(Protocol):
    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (only asked for years the provider ``covers``)."""
        ...

    def holiday_name(self, day: date) -> str | None:
        """The holiday a day off (or a 调休 make-up working day) belongs to, else ``None``."""
        ...

    def covers(self, year: int) -> bool:
        """Whether the provider can answer for ``year``."""
        ...


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


class NoOfficialData:
    """An official source that knows no year (tests, or an installation without the package)."""

    def is_workday(self, day: date) -> bool:
        return _as_date(day).weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        return None

    def covers(self, year: int) -> bool:
        return False


class WeekendsOnly:
    """The last resort for computed years: Monday to Friday, no holidays."""

    def is_workday(self, day: date) -> bool:
        return _as_date(day).weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        return None

    def covers(self, year: int) -> bool:
        return True


class WorkCalendar:
    """Working days of one organisation (see the module docstring for the order of sources).

    ``provider`` is the official schedule, ``computed`` the rule-based fallback (Mon–Fri when not
    given). ``guess_unknown_years`` and :meth:`with_guessing` remain for older callers: every
    calendar now answers every year, and ``guessed_years`` is ``provisional_years``.
    """

    def __init__(
        self,
        provider: HolidayProvider | None = None,
        overrides: Mapping[date, bool] | None = None,
        confirmed_years: Iterable[int] = (),
        *,
        computed: HolidayProvider | None = None,
        guess_unknown_years: bool = True,
    ) -> None:
        self.provider: HolidayProvider = provider if provider is not None else NoOfficialData()
        self.computed: HolidayProvider = computed if computed is not None else WeekendsOnly()
        self.overrides: dict[date, bool] = {_as_date(d): bool(v) for d, v in (overrides or {}).items()}
        self.confirmed_years: frozenset[int] = frozenset(confirmed_years)
        self.guess_unknown_years = guess_unknown_years
        self.provisional_years: set[int] = set()

    @property
    def guessed_years(self) -> set[int]:
        return self.provisional_years

    def with_guessing(self) -> WorkCalendar:
        """A fresh copy (its own ``provisional_years``) with the same sources."""
        return WorkCalendar(self.provider, self.overrides, self.confirmed_years, computed=self.computed)

    # -- which source answers ----------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether ``year`` follows an official schedule (published, or entered and confirmed)."""
        return year in self.confirmed_years or self._official(year)

    def is_provisional(self, day: date) -> bool:
        """Whether the working days around ``day`` are still computed rather than official."""
        return not self.covers(_as_date(day).year)

    def published(self, year: int) -> bool:
        """Whether the official provider has ``year`` (the State Council's published schedule)."""
        return self._official(year)

    def _official(self, year: int) -> bool:
        try:
            return self.provider.covers(year)
        except (ValueError, OverflowError):
            return False

    def source(self, day: date) -> DaySource:
        day = _as_date(day)
        if day in self.overrides or (day.year in self.confirmed_years and not self._official(day.year)):
            return DaySource.ENTERED
        if self._official(day.year):
            return DaySource.OFFICIAL
        return DaySource.COMPUTED

    # -- single days -------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        day = _as_date(day)
        override = self.overrides.get(day)
        if override is not None:
            return override
        if self._official(day.year):
            return self.provider.is_workday(day)
        if day.year in self.confirmed_years:
            return day.weekday() < 5
        self.provisional_years.add(day.year)
        if self.computed.covers(day.year):
            return self.computed.is_workday(day)
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The holiday's English name (e.g. ``"National Day"``) from the source answering ``day``.

        Also set for 调休 make-up working days (the holiday they make up for). Admin overrides carry
        no name here (their notes live with the override).
        """
        day = _as_date(day)
        if self._official(day.year):
            return self.provider.holiday_name(day)
        if day.year in self.confirmed_years or not self.computed.covers(day.year):
            return None
        return self.computed.holiday_name(day)

    def year_days(self, year: int) -> list[CalendarDay]:
        """Every day of ``year`` worth listing, with the source that decided it: weekdays off,
        weekend make-up workdays, named holidays and every admin override."""
        days: list[CalendarDay] = []
        day = date(year, 1, 1)
        while day.year == year:
            workday = self.is_workday(day)
            name = None if day in self.overrides else self.holiday_name(day)
            weekend = day.weekday() >= 5
            if day in self.overrides or workday == weekend or (name and not workday):
                days.append(CalendarDay(day, workday, self.source(day), name))
            if day == date.max:
                break
            day += _ONE_DAY
        return days

    # -- walking over days -------------------------------------------------------------------

    def _step(self, day: date, sign: int, origin: date) -> date:
        try:
            return day + sign * _ONE_DAY
        except OverflowError:
            raise DomainError("calendar_no_workday", day=origin.isoformat()) from None

    def _scan(self, day: date, sign: int, origin: date) -> date:
        """The first working day from ``day`` (inclusive) in direction ``sign``."""
        for _ in range(MAX_SCAN_DAYS):
            if self.is_workday(day):
                return day
            day = self._step(day, sign, origin)
        raise DomainError("calendar_no_workday", day=origin.isoformat())

    def next_workday(self, day: date, *, include_today: bool = False) -> date:
        day = _as_date(day)
        start = day if include_today else self._step(day, 1, day)
        return self._scan(start, 1, day)

    def previous_workday(self, day: date, *, include_today: bool = False) -> date:
        day = _as_date(day)
        start = day if include_today else self._step(day, -1, day)
        return self._scan(start, -1, day)

    def add_workdays(self, day: date, n: int) -> date:
        """The ``n``-th working day strictly after ``day`` (before it if ``n < 0``).

        ``n == 0`` gives ``day`` itself if it is a working day, else the next working day.
        """
        day = _as_date(day)
        if n == 0:
            return self.next_workday(day, include_today=True)
        sign = 1 if n > 0 else -1
        current = day
        for _ in range(abs(n)):
            current = self._scan(self._step(current, sign, day), sign, day)
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end``; ``-workdays_between(end, start)``
        when ``end < start``. ``workdays_between(d, add_workdays(d, n)) == n`` for ``n >= 0``.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    # -- working hours -----------------------------------------------------------------------

    def is_working_time(self, local_dt: datetime, start: time = time(9), end: time = time(18)) -> bool:
        """Whether the wall-clock time ``local_dt`` lies in ``[start, end)`` of a working day."""
        _check_hours(start, end)
        return self.is_workday(local_dt.date()) and start <= local_dt.time() < end

    def next_working_time(self, local_dt: datetime, start: time = time(9), end: time = time(18)) -> datetime:
        """``local_dt`` itself if it is working time, else the start of the next working period
        (same tzinfo as ``local_dt``)."""
        if self.is_working_time(local_dt, start, end):
            return local_dt
        day = local_dt.date()
        if not (self.is_workday(day) and local_dt.time() < start):
            day = self.next_workday(day)
        return datetime.combine(day, start, tzinfo=local_dt.tzinfo)


def _check_hours(start: time, end: time) -> None:
    if not start < end:
        raise ValueError(f"working hours must start before they end: {start}–{end}")
