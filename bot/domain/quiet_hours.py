"""Per-person quiet hours (免打扰时段): urgings and reminders for someone whose quiet window covers the
moment they would be sent wait until the window ends, on a working day (pure; the sweeps apply it).

``/duban settings quiet 22:00-08:00`` (``/duban 设置 免打扰 22:00-08:00``) sets it in the person's own
timezone; ``off`` / ``关闭`` clears it. Someone who set none has the default night, 21:00-08:00 in their own
Slack timezone (``DEFAULT_QUIET``): the office urges in its working hours, and a New York colleague is not
woken by Shanghai's morning. The deferred instant is stored as the outbox row's due time, so
the database stays the source of truth: a restart sends it then, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError, ParseError

_WINDOW = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-~至到]\s*(\d{1,2})[:：](\d{2})")
OFF_WORDS = frozenset({"off", "none", "关闭", "取消", "无"})


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def covers(self, moment: time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # across midnight


DEFAULT_QUIET = QuietHours(time(21, 0), time(8, 0))  # the night, for whoever set no window of their own


def effective(quiet: QuietHours | None) -> QuietHours:
    """The window that applies: the person's own, else the default night."""
    return quiet if quiet is not None else DEFAULT_QUIET


def parse_quiet(text: str) -> QuietHours | None:
    """``22:00-08:00`` → the window; ``off`` → None; anything else is a ParseError naming the text."""
    raw = " ".join(text.split())
    if raw.lower() in OFF_WORDS:
        return None
    match = _WINDOW.fullmatch(raw)
    if not match:
        raise ParseError("bad_quiet_hours", text=raw[:40])
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
        raise ParseError("bad_quiet_hours", text=raw[:40])
    return QuietHours(time(h1, m1), time(h2, m2))


def stored(value: str | None) -> QuietHours | None:
    """The window as the database keeps it (``HH:MM-HH:MM``); None when unset or unreadable."""
    if not value:
        return None
    try:
        return parse_quiet(value)
    except DomainError:
        return None


def defer(instant: datetime, quiet: QuietHours | None, tz: str, calendar: WorkCalendar) -> datetime:
    """When something due at ``instant`` may reach this person: ``instant`` itself outside their quiet
    window (their own, or ``DEFAULT_QUIET`` when they set none); else the window's end, moved to the next
    working day (their local date) if that is not one."""
    quiet = effective(quiet)
    zone = ZoneInfo(tz)
    local = instant.astimezone(zone)
    if not quiet.covers(local.time().replace(tzinfo=None)):
        return instant
    day = local.date()
    if quiet.start > quiet.end and local.time().replace(tzinfo=None) >= quiet.start:
        day += timedelta(days=1)  # an evening in a window across midnight ends the next morning
    day = _workday(calendar, day)
    return datetime.combine(day, quiet.end, tzinfo=zone)


def _workday(calendar: WorkCalendar, day: date) -> date:
    try:
        return calendar.next_workday(day, include_today=True)
    except DomainError:  # a year nobody entered: weekends off
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day
