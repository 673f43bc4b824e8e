"""Routine check-in rhythms (cadence): the ``Cadence`` value and the parser for what users type."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import time

from bot.domain.errors import ParseError


@dataclass(frozen=True, slots=True)
class Cadence:
    """A routine check-in rhythm: on given weekdays at a time, or every N working days."""

    weekdays: frozenset[int] = frozenset()  # 0 = Monday
    every_workdays: int | None = None
    at: time = time(9, 0)


# -- parsing ------------------------------------------------------------------------------------

DEFAULT_CHECKIN_TIME = time(9, 0)
MAX_EVERY_WORKDAYS = 60

_EN_DAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_DAYS.update({str(n): n - 1 for n in range(1, 8)})
_ZH_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True)) | {"两": 2}

_HHMM_RE = re.compile(r"(?:\bat\s*|@\s*)?(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])")
_ZH_TIME_RE = re.compile(r"(上午|早上|中午|下午|晚上)?(\d{1,2})点(?:(\d{1,2})分?|(半))?")
# More than one check-in per working day cannot be expressed; say so instead of "not understood".
_TOO_FREQUENT_RE = re.compile(
    r"hour|minute|\d\s*(?:h|hrs?|mins?)\b|小时|钟头|分钟|半天|半日|半个工作日|twice|thrice|"
    r"times\s+(?:a|per)\s+day|(?:每天|每日|一天|每个?工作日)\s*(?:[2-9]|\d{2,}|两|二|三|四|五|几|多)\s*次"
)
_EN_DAILY = frozenset(
    {"day", "days", "daily", "workday", "working day", "business day", "weekday", "weekdays"}
)
_EN_WEEKLY = frozenset({"week", "weekly"})
_EN_EVERY_N_RE = re.compile(r"(\d+)\s*(?:wd|wds|workdays?|working\s+days?|business\s+days?)")
_ZH_EVERY_N_RE = re.compile(r"([0-9零一二两三四五六七八九十]+)?个?工作日")
_ZH_PREFIX_RE = re.compile(r"周|星期|礼拜")
_RANGE_MARKS = frozenset("-~至到")
_LIST_SEPARATORS = frozenset("、,/ 和及&")


def _zh_number(text: str) -> int | None:
    """``2``, ``两``, ``十``, ``十二``, ``二十``, ``二十五`` …; ``None`` if not a number."""
    if text.isdecimal():
        return int(text)
    if "十" not in text:
        return _ZH_DIGITS[text] if len(text) == 1 and text in _ZH_DIGITS else None
    tens, _, ones = text.partition("十")
    if any(len(part) > 1 or (part and part not in _ZH_DIGITS) for part in (tens, ones)):
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def _take_time(text: str, raw: str) -> tuple[str, time]:
    """Remove the time of day from ``text``; default 09:00. More than one time is too frequent."""
    found: list[tuple[int, int]] = []

    def hhmm(match: re.Match[str]) -> str:
        found.append((int(match.group(1)), int(match.group(2))))
        return " "

    def zh(match: re.Match[str]) -> str:
        period, hour = match.group(1), int(match.group(2))
        minute = 30 if match.group(4) else int(match.group(3) or 0)
        if period in ("下午", "晚上") and 1 <= hour < 12:
            hour += 12
        found.append((hour, minute))
        return " "

    text = _ZH_TIME_RE.sub(zh, _HHMM_RE.sub(hhmm, text))
    if len(found) > 1:
        raise ParseError("cadence_too_frequent", text=raw)
    if not found:
        return text, DEFAULT_CHECKIN_TIME
    hour, minute = found[0]
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ParseError("bad_cadence", text=raw)
    return text, time(hour, minute)


def _every_workdays(n: int, raw: str) -> Cadence | None:
    if n == 0:
        raise ParseError("cadence_too_frequent", text=raw)
    if n > MAX_EVERY_WORKDAYS:
        raise ParseError("bad_cadence", text=raw)
    return Cadence(every_workdays=n)


def _day_list(text: str, names: dict[str, int], *, chars: bool) -> frozenset[int] | None:
    """Weekdays from ``mon,thu`` / ``mon-fri`` (names) or ``一三五`` / ``一至五`` (chars)."""
    if chars:
        items: list[str] = list(text)
    else:
        text = re.sub(r"\s+to\s+", "-", re.sub(r"\band\b", ",", text))
        items = re.findall(r"[a-z]+|[^a-z\s]", text)
    days: set[int] = set()
    previous: int | None = None
    range_from: int | None = None
    for item in items:
        if item in _LIST_SEPARATORS or item.isspace():
            if range_from is not None:
                return None
            continue
        if item in _RANGE_MARKS:
            if previous is None or range_from is not None:
                return None
            range_from = previous
            continue
        day = names.get(item)
        if day is None:
            return None
        if range_from is not None:
            if day < range_from:
                return None
            days.update(range(range_from, day + 1))
            range_from = None
        days.add(day)
        previous = day
    if range_from is not None or not days:
        return None
    return frozenset(days)


def _parse_rhythm(text: str, raw: str) -> Cadence | None:
    """The day part (time already removed) as a Cadence without ``at``; ``None`` if not understood."""
    text = re.sub(r"\s+", " ", text).strip()
    if text.startswith("every"):
        text = text.removeprefix("every").strip()
        if not text:
            return None
    elif text.startswith("each "):
        text = text.removeprefix("each ").strip()
    if text in _EN_DAILY:
        return Cadence(every_workdays=1)
    if text in _EN_WEEKLY:
        return Cadence(weekdays=frozenset({0}))
    if match := _EN_EVERY_N_RE.fullmatch(text):
        return _every_workdays(int(match.group(1)), raw)
    if text and text[0].isascii() and text[0].isalpha():
        days = _day_list(text, _EN_DAYS, chars=False)
        return Cadence(weekdays=days) if days else None

    text = text.replace(" ", "")
    if text.startswith("每隔"):
        return None  # 每隔一天 is read both ways; ask for 每2个工作日 instead
    text = text.removeprefix("每")
    if text in ("天", "日", "个工作日", "工作日"):
        return Cadence(every_workdays=1)
    if match := _ZH_EVERY_N_RE.fullmatch(text):
        number = _zh_number(match.group(1)) if match.group(1) else 1
        return None if number is None else _every_workdays(number, raw)
    prefix = _ZH_PREFIX_RE.match(text)
    if prefix is None:
        return None
    rest = _ZH_PREFIX_RE.sub("", text[prefix.end() :])
    if not rest:
        return Cadence(weekdays=frozenset({0}))  # 每周: Mondays
    days = _day_list(rest, _ZH_DAYS, chars=True)
    return Cadence(weekdays=days) if days else None


def parse_cadence(text: str) -> Cadence:
    """A check-in rhythm as typed after ``every`` / ``频次`` (or a ``每…`` word on its own).

    Weekdays at an optional 24-hour time (default 09:00): ``every mon 09:00``, ``mon,thu 10:30``,
    ``mon-fri``, ``每周一``, ``每周一 9:30``, ``每周一三五``, ``每周一、周四 10:00``, ``周一至周五``;
    ``weekly`` / ``每周`` (Mondays); every working day: ``every day``, ``daily``, ``每天``, ``每日``,
    ``每个工作日``; every N working days from the issue date (1 ≤ N ≤ 60): ``every 2wd``, ``2wd``,
    ``每2个工作日``, ``每两个工作日``. Text is NFKC-normalised (full-width digits and colons work).
    Errors: ``bad_cadence`` (not understood, or a time outside 00:00–23:59), ``cadence_too_frequent``
    (hourly, several times a day, every 0 working days).
    """
    raw = text
    norm = unicodedata.normalize("NFKC", text).lower().strip()
    if _TOO_FREQUENT_RE.search(norm):
        raise ParseError("cadence_too_frequent", text=raw)
    rest, at = _take_time(norm, raw)
    cadence = _parse_rhythm(rest, raw)
    if cadence is None:
        raise ParseError("bad_cadence", text=raw)
    return Cadence(weekdays=cadence.weekdays, every_workdays=cadence.every_workdays, at=at)
