"""Urging records (the call log, 电话记录) and extension requests as the services see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(slots=True)
class UrgeRecord:
    id: int | None
    item_id: int
    rung: str  # bot.domain.urging.Rung value
    round: int
    idem_key: str
    recipient_id: str | None
    sent_at: datetime | None
    created_at: datetime
    channel: str = "slack_dm"  # slack_dm | phone | webhook
    actor_id: str | None = None  # None = the schedule
    note: str = ""
    answer: str | None = None
    answer_note: str = ""
    answered_at: datetime | None = None
    answered_by: str | None = None
    latency_seconds: int | None = None
    scheduled_for: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@dataclass(slots=True)
class ExtensionRequest:
    id: int | None
    item_id: int
    requester_id: str
    requested_due: date
    reason: str
    created_at: datetime
    status: str = "pending"  # pending | approved | refused
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
