"""协调会: a coordination meeting the office or a leader held on an item (S1 协调, S5 会议纪要):
when, who attended, the minutes and the outcome. Recorded into the dossier as one event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.errors import DomainError, raise_all

MINUTES_MAX = 3000
OUTCOME_MAX = 1000
ATTENDEES_MAX = 30


@dataclass(frozen=True, slots=True)
class Meeting:
    held_at: datetime
    attendees: tuple[str, ...]  # Slack user ids
    minutes: str  # 会议纪要
    outcome: str = ""  # 议定事项 / 结果


def check_meeting(meeting: Meeting, now: datetime) -> Meeting:
    """Every wrong field at once: no attendee, no minutes, a meeting still to come, too long."""
    minutes, outcome = meeting.minutes.strip(), meeting.outcome.strip()
    attendees = tuple(dict.fromkeys(meeting.attendees))
    errors: list[DomainError] = []
    if meeting.held_at > now:
        errors.append(DomainError("meeting_in_future", field="meeting_date"))
    if not attendees:
        errors.append(DomainError("meeting_no_attendees", field="attendees"))
    elif len(attendees) > ATTENDEES_MAX:
        errors.append(DomainError("meeting_too_many", max=ATTENDEES_MAX, field="attendees"))
    if not minutes:
        errors.append(DomainError("meeting_no_minutes", field="minutes"))
    elif len(minutes) > MINUTES_MAX:
        errors.append(DomainError("text_too_long", length=len(minutes), max=MINUTES_MAX, field="minutes"))
    if len(outcome) > OUTCOME_MAX:
        errors.append(DomainError("text_too_long", length=len(outcome), max=OUTCOME_MAX, field="outcome"))
    raise_all(errors)
    return Meeting(meeting.held_at, attendees, minutes, outcome)


def meeting_payload(meeting: Meeting) -> dict[str, Any]:
    """The dossier event's payload (the JSON twin keeps it as it is)."""
    return {
        "held_at": meeting.held_at.isoformat(),
        "attendees": list(meeting.attendees),
        "minutes": meeting.minutes,
        "outcome": meeting.outcome,
    }
