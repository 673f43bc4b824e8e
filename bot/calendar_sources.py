"""Where the working-day calendar gets its data: two packages, wrapped as ``HolidayProvider`` s.

* :class:`OfficialSchedule`: the schedule the State Council published (放假安排, 调休 included), from
  the ``chinese_calendar`` package. It knows only the years published before the package release.
* :class:`ComputedHolidays`: the statutory holidays of mainland China worked out by rule, from the
  ``holidays`` package, plus weekends. It answers every year, but it cannot know the 调休 make-up
  workdays of a year that has not been published, so its answers are provisional.

The domain (``bot.domain.calendar``) gets these passed in and never imports either package.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import chinese_calendar

from bot.domain.calendar import WorkCalendar

log = logging.getLogger("duban.calendar")


class OfficialSchedule:
    """The published arrangement, cached (the package rescans its tables on every call)."""

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
        cached = self._workday.get(day)
        if cached is None:
            cached = bool(chinese_calendar.is_workday(day))
            self._workday[day] = cached
        return cached

    def holiday_name(self, day: date) -> str | None:
        if day not in self._names:
            try:
                _, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:
                name = None
            self._names[day] = str(name) if name else None
        return self._names[day]


@dataclass(frozen=True, slots=True)
class _Year:
    off: dict[date, str]  # statutory holidays (and their observed days) with the package's name
    make_up: frozenset[date]  # weekend days worked, where the package knows them


class ComputedHolidays:
    """Statutory holidays by rule (``holidays.China``) plus weekends, for any year."""

    def __init__(self) -> None:
        self._years: dict[int, _Year] = {}

    def _year(self, year: int) -> _Year:
        known = self._years.get(year)
        if known is None:
            try:
                import holidays  # ~0.3 s of imports (every country's rules): paid on first use, not at start

                table = holidays.country_holidays("CN", years=year)
                off = {day: str(name) for day, name in table.items() if day.year == year}
                make_up = frozenset(d for d in getattr(table, "weekend_workdays", ()) if d.year == year)
            except Exception:  # a year the rules cannot compute: weekends only, never a refusal
                log.warning("the holidays package has no rule for %s: counting Monday to Friday", year)
                off, make_up = {}, frozenset()
            known = self._years[year] = _Year(off, make_up)
        return known

    def covers(self, year: int) -> bool:
        return 1 <= year <= 9999

    def is_workday(self, day: date) -> bool:
        year = self._year(day.year)
        if day in year.make_up:
            return True
        return day.weekday() < 5 and day not in year.off

    def holiday_name(self, day: date) -> str | None:
        return self._year(day.year).off.get(day)


# One of each per process: every WorkCalendar built per request shares their caches.
OFFICIAL = OfficialSchedule()
COMPUTED = ComputedHolidays()


def standard_calendar(
    overrides: dict[date, bool] | None = None, confirmed_years: set[int] | frozenset[int] = frozenset()
) -> WorkCalendar:
    """The organisation's calendar: published schedule, then entered data, then computed holidays."""
    return WorkCalendar(OFFICIAL, overrides, confirmed_years, computed=COMPUTED)
