"""The terms of urging (催办): rungs, answers, the organisation's policy, the subject the ladder plans for,
its decision, and the round numbers and idempotency keys of what it sends. :mod:`bot.domain.urging`
is the ladder itself."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.cadence import Cadence


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


class Rung(StrEnum):
    CHECKIN = "checkin"  # routine check-in (电话催办)
    REPEAT = "repeat"  # the same check-in again, unanswered
    DUE = "due"  # reminder on the deadline's working day
    NOTICE = "notice"  # written urging notice once overdue (书面催办 / 催办通知)
    ESCALATION = "escalation"  # to the leader and the office (当面催办 / 领导协调)
    MANUAL = "manual"  # a supervisor or leader urged by hand (/duban urge)
    CALL = "call"  # a phone call logged by hand (电话记录)
    ACK = "ack"  # a co-owner or FYI recipient asked to acknowledge (bot.domain.follow_through)
    PROGRESS = "progress"  # a progress report (续报) requested after a delay report


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
    # When the deadline was last moved (an approved extension); None: never. The due reminder, the
    # notice, its repeats and the escalation sent before it belonged to the old deadline and are
    # planned afresh; check-in points at or before it count as passed.
    replanned_at: datetime | None = None
    # A date the unit promised (answering the written notice, or asking for an extension nobody has
    # decided yet) and when it promised it. Once later than the deadline, the ladder runs against it:
    # when it passes, the due reminder, the notice and the escalation start again.
    promised: date | None = None
    promised_at: datetime | None = None


def with_promise(subject: UrgeSubject) -> UrgeSubject:
    """The subject the ladder plans for: a later promised date re-plans it from the promise on."""
    if subject.promised is None or subject.promised_at is None or subject.promised <= subject.due:
        return subject
    # Everything sent up to the promise (the notice it answered included) belongs to the old plan.
    since = subject.promised_at + timedelta(microseconds=1)
    if subject.replanned_at is not None and _utc(subject.replanned_at) > _utc(since):
        since = subject.replanned_at
    return replace(subject, due=subject.promised, replanned_at=since, promised=None, promised_at=None)


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


# -- rounds and keys ------------------------------------------------------------------------------
#
# CHECKIN rounds are numbered 1, 2, … in the order check-ins are actually sent over the item's
# whole life (a round number is taken when a check-in goes out, so skipped points take none and a
# re-planned deadline never reuses a number). A REPEAT carries the round it repeats: the check-in's
# round, or NOTICE_REPEAT_BASE + the notice's round for repeats of the written notice.

DUE_ROUND = 0
NOTICE_ROUND = 1
ESCALATION_ROUND = 1
# Check-in rounds never get near this (a daily cadence over ten years is ~2,500 rounds).
NOTICE_REPEAT_BASE = 10_000
NOTICE_REPEAT_ROUND = NOTICE_REPEAT_BASE + NOTICE_ROUND
# A repeat never follows its predecessor by less than this, whatever the policy says.
MIN_REPEAT_DELAY = timedelta(minutes=1)


def is_notice_repeat(round_: int) -> bool:
    """Whether a REPEAT round repeats the written notice (rather than a check-in)."""
    return round_ > NOTICE_REPEAT_BASE


def urge_key(rung: Rung, round_: int, scheduled_for: datetime, tz: str, repeat: int = 0) -> str:
    """The idempotency key ``<rung>:<round>:<working date>``; a repeat's round part is
    ``<round>.<n>`` (its n-th repeat) so that two repeats on one day never share a key."""
    day = scheduled_for.astimezone(ZoneInfo(tz)).date().isoformat()
    round_part = f"{round_}.{repeat}" if rung is Rung.REPEAT else str(round_)
    return f"{rung}:{round_part}:{day}"
