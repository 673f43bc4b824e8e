"""Checks of whole forms: every wrong field is found, so a modal shows all of them at once.

Each function reads the raw values of one form, collects a :class:`DomainError` per wrong field and
raises them together (:func:`bot.domain.errors.raise_all`), or returns the values ready for the service.
Pure: the clock's reading is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.due_dates import picked_date, required_date
from bot.domain.errors import DomainError, raise_all


def _text(raw: str | None, field: str, errors: list[DomainError]) -> str:
    text = (raw or "").strip()
    if not text:
        errors.append(DomainError("field_blank", field=field))
    return text


def _date(raw: str | None, field: str, errors: list[DomainError], *, required: bool) -> date | None:
    try:
        return required_date(raw, field) if required else picked_date(raw, field)
    except DomainError as error:
        errors.append(error)
        return None


@dataclass(frozen=True, slots=True)
class NoticeAnswer:
    reason: str
    progress: str
    new_date: date


def notice_answer(
    reason: str | None, progress: str | None, new_date: str | None, today: date
) -> NoticeAnswer:
    """The written urging notice's answer: the reason for the delay, the progress, a date not past."""
    errors: list[DomainError] = []
    why = _text(reason, "reason", errors)
    done = _text(progress, "progress", errors)
    day = _date(new_date, "new_date", errors, required=True)
    if day is not None and day < today:
        errors.append(
            DomainError("date_in_past", date=day.isoformat(), today=today.isoformat(), field="new_date")
        )
    raise_all(errors)
    assert day is not None
    return NoticeAnswer(why, done, day)


@dataclass(frozen=True, slots=True)
class CallLog:
    called_at: datetime
    answered_by: str
    summary: str
    promised: date | None


def call_log(
    call_date: str | None,
    call_time: str | None,
    tz: str,
    answered_by: str | None,
    summary: str | None,
    promised: str | None,
    now: datetime,
) -> CallLog:
    """电话记录: when (a date and HH:MM in the logger's timezone), who answered,
    what was said, and an optional promised date that is not past."""
    errors: list[DomainError] = []
    day = _date(call_date, "call_date", errors, required=True)
    clock = _clock(call_time)
    if clock is None:
        errors.append(DomainError("bad_time", field="call_time"))
    called_at = datetime.combine(day, clock, tzinfo=ZoneInfo(tz)) if day and clock else None
    who = _text(answered_by, "answered_by", errors)
    said = _text(summary, "summary", errors)
    promise = _date(promised, "promised", errors, required=False)
    today = now.astimezone(ZoneInfo(tz)).date()
    if promise is not None and promise < today:
        errors.append(
            DomainError("date_in_past", date=promise.isoformat(), today=today.isoformat(), field="promised")
        )
    raise_all(errors)
    assert called_at is not None
    return CallLog(called_at, who, said, promise)


def _clock(raw: str | None) -> time | None:
    try:
        hours, minutes = (int(part) for part in (raw or "").strip().split(":"))
        return time(hours, minutes)
    except (TypeError, ValueError):
        return None
