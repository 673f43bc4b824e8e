"""Deadlines as people type them: ``2026-12-05``, ``12月5日``, ``Dec 31``, ``明天``, ``3wd``, ``下周五`` …

Calendar-day forms (dates, ``3d``, ``2w``, weekday names) are taken literally even if they fall on
a day off (the caller warns); only the working-day forms (``3wd``, ``3个工作日``) consult the
:class:`WorkCalendar`. A month and day without a year is the next such day: when that is next year,
:func:`read_due` says so, so the reply can confirm it ("明年12月1日").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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
_EN_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        )
    )
    for name in names
}
_EN_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_EN_YEAR = r"(?:,? ?(\d{4}))?"
_EN_MONTH_FIRST_RE = re.compile(r"([a-z]+)\.?,? ?" + _EN_DAY + _EN_YEAR, re.ASCII)  # Dec 31, Dec 31 2027
_EN_DAY_FIRST_RE = re.compile(_EN_DAY + r" ?(?:of )?([a-z]+)\.?" + _EN_YEAR, re.ASCII)  # 31 Dec, 31st of Dec
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
            return _exact_date(int(match.group(1)), int(match.group(3)), int(match.group(4)), text)
    return None


def month_name_date(text: str) -> tuple[int, int, int | None] | None:
    """``(month, day, year or None)`` for ``Dec 31``, ``31 Dec``, ``December 31st, 2027`` …"""
    s = normalise(text)
    match = _EN_MONTH_FIRST_RE.fullmatch(s)
    if match and match.group(1) in _EN_MONTHS:
        year = match.group(3)
        return _EN_MONTHS[match.group(1)], int(match.group(2)), int(year) if year else None
    match = _EN_DAY_FIRST_RE.fullmatch(s)
    if match and match.group(2) in _EN_MONTHS:
        year = match.group(3)
        return _EN_MONTHS[match.group(2)], int(match.group(1)), int(year) if year else None
    return None


def is_month_name(word: str) -> bool:
    """Whether ``word`` is an English month name or abbreviation (``Dec``, ``Dec.``, ``December``)."""
    return normalise(word).rstrip(".,") in _EN_MONTHS


def _check_month_day(month: int, day: int, text: str) -> None:
    """A month that exists and a day that month can have (29 February counts here)."""
    if not 1 <= month <= 12:
        raise ParseError("no_such_month", month=month, text=text)
    if not 1 <= day <= _MONTH_DAYS[month - 1]:
        raise ParseError("no_such_day", month=month, day=day, days=_MONTH_DAYS[month - 1], text=text)


def _exact_date(year: int, month: int, day: int, text: str) -> date:
    _check_month_day(month, day, text)
    if not 1 <= year <= 9999:
        raise ParseError("bad_date", text=text)
    if day > _month_length(year, month):  # 29 February of a common year
        raise ParseError("no_such_day_in_year", year=year, month=month, day=day, text=text)
    return date(year, month, day)


def _next_month_day(month: int, day: int, today: date, text: str) -> date:
    """The next ``month``-``day`` from today on: this year's, or next year's once it has passed."""
    _check_month_day(month, day, text)
    year = today.year
    if (month, day) < (today.month, today.day):
        year += 1
    return _exact_date(year, month, day, text)


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
    named = month_name_date(s)
    if named is not None:
        month, day, year = named
        if year is not None:
            return _exact_date(year, month, day, text)
        return _next_month_day(month, day, today, text)
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


@dataclass(frozen=True, slots=True)
class DueReading:
    """What a typed date means: the day, and whether a date typed without a year rolled into the next."""

    day: date
    next_year: bool = False


def read_due(text: str, today: date, calendar: WorkCalendar) -> DueReading:
    """The deadline ``text`` means, seen from ``today``.

    Raises ``ParseError`` ``bad_date`` (text), ``no_such_month`` / ``no_such_day`` /
    ``no_such_day_in_year`` (a date that does not exist), ``date_in_past`` (date, today) or
    ``date_too_far`` (date, latest).
    """
    s = normalise(text)
    if not s or len(s) > 40:
        raise ParseError("bad_date", text=text)
    try:
        result = _parse(s, text, today, calendar)
    except OverflowError:  # past year 9999
        _too_far(today, None, text)
    if result < today:
        raise ParseError("date_in_past", date=result.isoformat(), today=today.isoformat())
    if result > _latest(today):
        _too_far(today, None, text, result)
    typed_year = _full_date(s, text) is not None or (month_name_date(s) or (0, 0, None))[2] is not None
    rolled = result.year > today.year and not typed_year and _is_month_day(s)
    return DueReading(result, next_year=rolled)


def _is_month_day(s: str) -> bool:
    return any(p.fullmatch(s) for p in _MONTH_DAY_RES) or month_name_date(s) is not None


def parse_due(text: str, today: date, calendar: WorkCalendar) -> date:
    """The day of :func:`read_due`."""
    return read_due(text, today, calendar).day


def picked_date(raw: str | None, field: str) -> date | None:
    """A date from a form's date picker (``YYYY-MM-DD``); a malformed one is a field error, never
    Python's own ``day is out of range for month``."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise ParseError("bad_date", text=str(raw)[:40], field=field) from None


def required_date(raw: str | None, field: str) -> date:
    """:func:`picked_date` for a field that must be filled in."""
    picked = picked_date(raw, field)
    if picked is None:
        raise ParseError("date_required", field=field)
    return picked


def default_due(today: date, calendar: WorkCalendar) -> date:
    """The policy default: one calendar month later (day clamped to month end), on a working day."""
    return calendar.next_workday(add_months(today, 1), include_today=True)
