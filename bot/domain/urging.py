"""The urging ladder (催办) as a pure function of an item's schedule, its urging history and the clock.

Rungs, weakest first: routine check-ins ("phone urging" 电话催办) at set points and on the item's
cadence; repeats of an unanswered check-in; the due-day reminder; the written urging notice (催办通知)
once overdue; escalation to the leader and the office (当面催办) when the notice goes unanswered.
The sweep calls :func:`decide` for an item that is due; the answer says what to send now (at most
one thing) and when to look at the item again. Nothing here reads a clock or touches I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from bot.domain.calendar import WorkCalendar


class Rung(StrEnum):
    CHECKIN = "checkin"  # routine check-in (电话催办)
    REPEAT = "repeat"  # the same check-in again, unanswered
    DUE = "due"  # reminder on the deadline's working day
    NOTICE = "notice"  # written urging notice once overdue (书面催办 / 催办通知)
    ESCALATION = "escalation"  # to the leader and the office (当面催办 / 领导协调)
    MANUAL = "manual"  # a supervisor or leader urged by hand (/duban urge)
    CALL = "call"  # a phone call logged by hand (电话记录)


class Answer(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"
    REPORTED = "reported"  # answered with a progress report
    EXTENSION = "extension"  # answered with an extension request
    SNOOZED = "snoozed"
    NOTICE_ANSWERED = "notice_answered"  # the written notice's form was filled in


@dataclass(frozen=True, slots=True)
class UrgePolicy:
    """Organisation defaults; an item may override some (cadence, urgent)."""

    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    repeat_after_work_hours: int = 4  # ask again when a check-in is unanswered this long (working hours)
    max_repeats: int = 2  # per check-in round
    short_item_days: int = 15  # items up to this many calendar days get the short pre-deadline warning
    warn_workdays_short: int = 3  # pre-deadline check-in, working days before the deadline
    warn_workdays_long: int = 5
    halftime_checkin: bool = True
    notice_answer_workdays: int = 2  # escalate if the written notice is unanswered this long
    silent_reurge_minutes: int = 30  # "urge the silent ones again" at most this often
    manual_min_minutes: int = 60  # manual urging of one item at most this often
    max_snooze_hours: int = 24


@dataclass(frozen=True, slots=True)
class Cadence:
    """A routine check-in rhythm: on given weekdays at a time, or every N working days."""

    weekdays: frozenset[int] = frozenset()  # 0 = Monday
    every_workdays: int | None = None
    at: time = time(9, 0)


@dataclass(frozen=True, slots=True)
class SentUrge:
    rung: Rung
    round: int
    sent_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UrgeSubject:
    """What the policy needs to know about one open item."""

    issued_at: datetime  # aware
    due: date  # the current deadline (a date in the organisation's timezone)
    urgent: bool = False
    cadence: Cadence | None = None
    snoozed_until: datetime | None = None
    history: tuple[SentUrge, ...] = field(default_factory=tuple)  # automatic rungs sent so far, oldest first


@dataclass(frozen=True, slots=True)
class PlannedUrge:
    rung: Rung
    round: int
    scheduled_for: datetime  # aware, in the organisation's timezone
    key: str  # "<rung>:<round>:<working date>" — the sweep prefixes the item id


@dataclass(frozen=True, slots=True)
class Decision:
    send: PlannedUrge | None  # what to send now, if anything
    next_at: datetime | None  # when to look at this item again (None: nothing more is scheduled)


def decide(
    subject: UrgeSubject, now: datetime, calendar: WorkCalendar, policy: UrgePolicy, tz: str
) -> Decision:  # pragma: no cover - implemented below by the urging policy
    raise NotImplementedError


def parse_cadence(text: str) -> Cadence:  # pragma: no cover
    raise NotImplementedError
