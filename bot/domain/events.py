"""The dossier (一事一卷) is an append-only log of what happened to an item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    REGISTERED = "registered"
    ISSUED = "issued"
    NOTICE_SENT = "notice_sent"
    ACKNOWLEDGED = "acknowledged"
    STATE_CHANGED = "state_changed"
    PROGRESS_REPORTED = "progress_reported"
    FINAL_REPORTED = "final_reported"
    REVIEWED = "reviewed"
    RETURNED = "returned"
    COMPLETED = "completed"
    INSTRUCTED = "instructed"
    URGED = "urged"
    URGE_ANSWERED = "urge_answered"
    CALL_LOGGED = "call_logged"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_DECIDED = "extension_decided"
    ESCALATED = "escalated"
    THREAD_NOTE = "thread_note"
    DELIVERY_FAILED = "delivery_failed"
    ARCHIVED = "archived"
    REVIEW_OVERDUE = "review_overdue"  # the office let a final report wait past its review limit
    WITHDRAWN = "withdrawn"  # 撤销, with the reason
    EDITED = "edited"  # one corrected field: {"field", "old", "new"}
    REASSIGNED = "reassigned"  # 改派: {"role", "from", "to"}
    IMPORTED = "imported"  # loaded from the office's existing ledger (台账)
    HISTORY_NOTE = "history_note"  # a note carried over from the imported ledger
    PROPOSAL_REVIEWED = "proposal_reviewed"  # 拟办呈批: the unit's 分管领导 agreed, on to the principal
    PROPOSAL_REJECTED = "proposal_rejected"  # 拟办呈批 not approved: {"reason", "stage"}
    MEETING_HELD = "meeting_held"  # 协调会: time, attendees, minutes (会议纪要), outcome
    EVIDENCE_ATTACHED = "evidence_attached"  # 佐证材料: files (name + Slack permalink)


@dataclass(slots=True)
class ItemEvent:
    """One line of the dossier: who did what to which item, when."""

    kind: EventKind
    at: datetime
    actor_id: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    item_id: int | None = None
    seq: int | None = None
