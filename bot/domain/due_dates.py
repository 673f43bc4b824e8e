"""Deadlines as people type them: ``2026-12-05``, ``12月5日``, ``明天``, ``3wd``, ``下周五`` …

Calendar-day forms (dates, ``3d``, ``2w``, weekday names) are taken literally even if they fall on
a day off; only the working-day forms (``3wd``, ``3个工作日``) consult the :class:`WorkCalendar`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import NoReturn

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import ParseError

# About ten years: anything further is a typo, not a plan.
MAX_DAYS_AHEAD = 3660

_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February as in a leap year

_N = r"(\d{1,12})"  # bounded, so int() never sees an absurd digit string
_FULL_DATE_RES = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})()(\d{2})(\d{2})", re.ASCII),
    re.compile(r"(\d{4}) ?年 ?()(\d{1,2}) ?月 ?(\d{1,2}) ?[日号]?", re.ASCII),
)
_MONTH_DAY_RES = (
    re.compile(r"(\d{1,2})[-/.](\d{1,2})", re.ASCII),
    re.compile(r"(\d{1,2}) ?月 ?(\d{1,2}) ?[日号]?", re.ASCII),
)
_RELATIVE_WORDS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "tomorrow": 1,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "大后天": 3,
}
_DAYS_RE = re.compile(r"\+? ?" + _N + r" ?(?:d|days?|天)", re.ASCII)
_WEEKS_RE = re.compile(r"\+? ?" + _N + r" ?(?:w|weeks?|周|个?星期|个?礼拜)", re.ASCII)
_MONTHS_RE = re.compile(r"\+? ?" + _N + r" ?(?:months?|个月)", re.ASCII)
_WORKDAYS_RE = re.compile(
    r"\+? ?" + _N + r" ?(?:wd|workdays?|working ?days?|business ?days?|个?工作日)", re.ASCII
)

_EN_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_WEEKDAYS = {
    **{name: i for i, name in enumerate(_EN_DAY_NAMES)},
    **{name[:3]: i for i, name in enumerate(_EN_DAY_NAMES)},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "7": 6}
_ZH_WEEKDAYS.update({str(i + 1): i for i in range(6)})
_EN_WEEKDAY_RE = re.compile(r"(?:(next|this) ?)?([a-z]+)", re.ASCII)
_ZH_WEEKDAY_RE = re.compile(r"(下|本|这)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])")


def normalise(text: str) -> str:
    """NFKC (full-width digits, letters, punctuation and spaces), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _month_length(year: int, month: int) -> int:
    if month == 2 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return 28
    return _MONTH_DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    """Same day number ``months`` later, clamped to the end of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    return date(year, month, min(day.day, _month_length(year, month)))


def parse_full_date(text: str) -> date | None:
    """A date with year (``2026-12-05``, ``2026/12/05``, ``2026.12.05``, ``20261205``,
    ``2026年12月5日``); ``None`` if ``text`` has another shape, ``ParseError("bad_date")`` if the
    shape is right but the date does not exist."""
    return _full_date(normalise(text), text)


def _full_date(s: str, text: str) -> date | None:
    for pattern in _FULL_DATE_RES:
        match = pattern.fullmatch(s)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
            except ValueError:
                raise ParseError("bad_date", text=text) from None
    return None


def _next_month_day(month: int, day: int, today: date, text: str) -> date:
    if not (1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]):
        raise ParseError("bad_date", text=text)
    for year in range(today.year, today.year + 9):  # 29 Feb comes back within eight years
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ParseError("bad_date", text=text)  # pragma: no cover - only near year 9999


def _weekday(s: str) -> tuple[str | None, int] | None:
    """``(qualifier, weekday)`` with qualifier ``None``, ``"next"`` or ``"this"``."""
    match = _ZH_WEEKDAY_RE.fullmatch(s)
    if match:
        qualifier = {"下": "next", "本": "this", "这": "this"}.get(match.group(1) or "")
        return qualifier, _ZH_WEEKDAYS[match.group(2)]
    match = _EN_WEEKDAY_RE.fullmatch(s)
    if match and match.group(2) in _EN_WEEKDAYS:
        return match.group(1), _EN_WEEKDAYS[match.group(2)]
    return None


def _plus_days(today: date, days: int, text: str) -> date:
    if days > MAX_DAYS_AHEAD:
        _too_far(today, days, text)
    return today + timedelta(days=days)


def _too_far(today: date, days: int | None, text: str, result: date | None = None) -> NoReturn:
    if result is None and days is not None:
        try:
            result = today + timedelta(days=days)
        except OverflowError:
            result = None
    raise ParseError(
        "date_too_far",
        date=result.isoformat() if result else text.strip(),
        latest=_latest(today).isoformat(),
    )


def _latest(today: date) -> date:
    try:
        return today + timedelta(days=MAX_DAYS_AHEAD)
    except OverflowError:
        return date.max


def _parse(s: str, text: str, today: date, calendar: WorkCalendar) -> date:
    full = _full_date(s, text)
    if full is not None:
        return full
    for pattern in _MONTH_DAY_RES:
        match = pattern.fullmatch(s)
        if match:
            return _next_month_day(int(match.group(1)), int(match.group(2)), today, text)
    if s in _RELATIVE_WORDS:
        return today + timedelta(days=_RELATIVE_WORDS[s])
    match = _DAYS_RE.fullmatch(s)
    if match:
        return _plus_days(today, int(match.group(1)), text)
    match = _WEEKS_RE.fullmatch(s)
    if match:
        return _plus_days(today, 7 * int(match.group(1)), text)
    match = _MONTHS_RE.fullmatch(s)
    if match:
        months = int(match.group(1))
        if months > MAX_DAYS_AHEAD // 28:
            _too_far(today, None, text)
        return add_months(today, months)
    match = _WORKDAYS_RE.fullmatch(s)
    if match:
        n = int(match.group(1))
        if n > MAX_DAYS_AHEAD:  # n working days are at least n calendar days
            _too_far(today, None, text)
        return calendar.add_workdays(today, n)
    weekday = _weekday(s)
    if weekday is not None:
        qualifier, wd = weekday
        monday = today - timedelta(days=today.weekday())
        if qualifier == "next":
            return monday + timedelta(days=7 + wd)
        if qualifier == "this":
            return monday + timedelta(days=wd)
        return today + timedelta(days=(wd - today.weekday() - 1) % 7 + 1)
    raise ParseError("bad_date", text=text)


def parse_due(text: str, today: date, calendar: WorkCalendar) -> date:
    """The deadline ``text`` means, seen from ``today``.

    Raises ``ParseError`` ``bad_date`` (text), ``date_in_past`` (date) or ``date_too_far``
    (date, latest); working-day forms let ``UnknownCalendarYear`` through.
    """
    s = normalise(text)
    if not s or len(s) > 40:
        raise ParseError("bad_date", text=text)
    try:
        result = _parse(s, text, today, calendar)
    except OverflowError:  # past year 9999
        _too_far(today, None, text)
    if result < today:
        raise ParseError("date_in_past", date=result.isoformat())
    if result > _latest(today):
        _too_far(today, None, text, result)
    return result


def default_due(today: date, calendar: WorkCalendar) -> date:
    """The policy default: one calendar month later (day clamped to month end), on a working day."""
    return calendar.next_workday(add_months(today, 1), include_today=True)
