"""The working-day calendar (工作日历): official holidays, 调休 make-up days and admin overrides.

Deadlines, reminders and "N working days" all go through :class:`WorkCalendar`. The official
calendar comes from a :class:`HolidayProvider` (by default the ``chinese_calendar`` package, which
only knows the years the State Council has already published). Organisation admins can enter
overrides for single days and *confirm* a year they entered completely. A year nobody knows about
is refused with :class:`UnknownCalendarYear` rather than silently treated as Mon–Fri, unless the
caller explicitly asks for guessing (and then shows a warning for ``guessed_years``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Protocol

import chinese_calendar

from bot.domain.errors import DomainError

# No real calendar has this many consecutive days off; walking further means bad data.
MAX_SCAN_DAYS = 400

_ONE_DAY = timedelta(days=1)


class UnknownCalendarYear(DomainError):
    """Nobody (neither the holiday data nor an admin) has told us which days of ``year`` are off."""

    def __init__(self, year: int) -> None:
        super().__init__("calendar_year_unknown", year=year)
        self.year = year


class HolidayProvider(Protocol):
    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day; raises ``UnknownCalendarYear`` outside ``covers``."""
        ...

    def holiday_name(self, day: date) -> str | None:
        """The holiday a day off (or a 调休 make-up working day) belongs to, else ``None``."""
        ...

    def covers(self, year: int) -> bool:
        """Whether the provider has the official holiday arrangement of ``year``."""
        ...


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


class ChineseHolidayProvider:
    """The official mainland-China arrangement, from the ``chinese_calendar`` package.

    The package raises ``NotImplementedError`` for years it has no data for; that becomes
    ``UnknownCalendarYear``. Answers are cached (the package rescans its tables on every call).
    """

    def __init__(self) -> None:
        self._covered: dict[int, bool] = {}
        self._workday: dict[date, bool] = {}
        self._names: dict[date, str | None] = {}

    def covers(self, year: int) -> bool:
        known = self._covered.get(year)
        if known is None:
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
            except (NotImplementedError, ValueError):  # ValueError: year outside 1..9999
                known = False
            else:
                known = True
            self._covered[year] = known
        return known

    def is_workday(self, day: date) -> bool:
        day = _as_date(day)
        cached = self._workday.get(day)
        if cached is None:
            if not self.covers(day.year):
                raise UnknownCalendarYear(day.year)
            try:
                cached = bool(chinese_calendar.is_workday(day))
            except NotImplementedError:
                raise UnknownCalendarYear(day.year) from None
            self._workday[day] = cached
        return cached

    def holiday_name(self, day: date) -> str | None:
        day = _as_date(day)
        if day in self._names:
            return self._names[day]
        if not self.covers(day.year):
            return None
        try:
            _, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return None
        name = str(name) if name else None
        self._names[day] = name
        return name


# Shared so that every WorkCalendar built per request reuses the same cache.
_DEFAULT_PROVIDER = ChineseHolidayProvider()


def default_provider() -> ChineseHolidayProvider:
    return _DEFAULT_PROVIDER


class WorkCalendar:
    """Working days of one organisation.

    Precedence for a day: the admin's override, then the provider (if it covers the year), then
    plain Mon–Fri if the admin confirmed the year, then Mon–Fri only when guessing is enabled
    (the year is recorded in ``guessed_years``); otherwise ``UnknownCalendarYear``.
    """

    def __init__(
        self,
        provider: HolidayProvider | None = None,
        overrides: Mapping[date, bool] | None = None,
        confirmed_years: Iterable[int] = (),
        *,
        guess_unknown_years: bool = False,
    ) -> None:
        self.provider: HolidayProvider = provider if provider is not None else _DEFAULT_PROVIDER
        self.overrides: dict[date, bool] = {_as_date(d): bool(v) for d, v in (overrides or {}).items()}
        self.confirmed_years: frozenset[int] = frozenset(confirmed_years)
        self.guess_unknown_years = guess_unknown_years
        self.guessed_years: set[int] = set()

    def with_guessing(self) -> WorkCalendar:
        """A copy that treats unknown years as Mon–Fri (and records them in ``guessed_years``)."""
        return WorkCalendar(self.provider, self.overrides, self.confirmed_years, guess_unknown_years=True)

    # -- single days -------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        return year in self.confirmed_years or self.provider.covers(year)

    def is_workday(self, day: date) -> bool:
        day = _as_date(day)
        override = self.overrides.get(day)
        if override is not None:
            return override
        if self.provider.covers(day.year):
            return self.provider.is_workday(day)
        if day.year in self.confirmed_years:
            return day.weekday() < 5
        if self.guess_unknown_years:
            self.guessed_years.add(day.year)
            return day.weekday() < 5
        raise UnknownCalendarYear(day.year)

    def holiday_name(self, day: date) -> str | None:
        """The provider's holiday name (English, e.g. ``"National Day"``) or ``None``.

        Also set for 调休 make-up working days (the holiday they make up for). Admin overrides carry
        no name here (their notes live with the override); unknown years give ``None``.
        """
        day = _as_date(day)
        if not self.provider.covers(day.year):
            return None
        return self.provider.holiday_name(day)

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
