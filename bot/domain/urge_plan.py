"""An item's urging plan: what the urging ladder remembers between sweeps.

Stored as a JSON object on the item (``items.urge_plan``); :meth:`UrgePlan.from_dict` and
:meth:`UrgePlan.to_dict` are the storage boundary and keep the stored format as it always was (ISO
strings, keys left out when unset). Keys this version does not know are carried over untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

_KNOWN = frozenset(
    {"due", "replanned_at", "snoozed_until", "guessed_years", "silent_at", "silent_count", "coordination_for"}
)


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class UrgePlan:
    due: date | None = None  # the deadline the ladder was planned for
    replanned_at: datetime | None = None  # a later deadline re-planned the ladder from this moment
    snoozed_until: datetime | None = None  # check-ins and repeats wait until then (稍后提醒)
    guessed_years: tuple[int, ...] = ()  # years whose working days were computed (the office was told)
    silent_at: datetime | None = None  # the last re-urge of the silent ones (催未回复)
    silent_count: int = 0
    coordination_for: str | None = None  # the escalation a leader's coordination (协调) answered
    extra: Mapping[str, Any] = field(default_factory=dict)  # stored keys this version does not know

    # -- storage boundary ---------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> UrgePlan:
        data = data or {}
        due = data.get("due")
        return cls(
            due=date.fromisoformat(due) if due else None,
            replanned_at=_instant(data.get("replanned_at")),
            snoozed_until=_instant(data.get("snoozed_until")),
            guessed_years=tuple(int(y) for y in data.get("guessed_years", ())),
            silent_at=_instant(data.get("silent_at")),
            silent_count=int(data.get("silent_count", 0)),
            coordination_for=data.get("coordination_for") or None,
            extra={k: v for k, v in data.items() if k not in _KNOWN},
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        if self.due is not None:
            out["due"] = self.due.isoformat()
        if self.replanned_at is not None:
            out["replanned_at"] = self.replanned_at.isoformat()
        if self.snoozed_until is not None:
            out["snoozed_until"] = self.snoozed_until.isoformat()
        if self.guessed_years:
            out["guessed_years"] = list(self.guessed_years)
        if self.silent_at is not None:
            out["silent_at"] = self.silent_at.isoformat()
        if self.silent_count:
            out["silent_count"] = self.silent_count
        if self.coordination_for is not None:
            out["coordination_for"] = self.coordination_for
        return out

    # -- changes (each returns a new plan) ----------------------------------------------------------

    def for_due(self, due: date, now: datetime) -> UrgePlan:
        """The plan for the deadline ``due``: a new deadline (not the first one) re-plans the ladder from
        ``now`` on (extension, return for redo, instruction)."""
        if self.due == due:
            return self
        return replace(self, due=due, replanned_at=now if self.to_dict() else self.replanned_at)

    def guessed(self, years: Iterable[int]) -> UrgePlan:
        """Remember years whose working days were computed; :attr:`guessed_years` stays sorted."""
        return replace(self, guessed_years=tuple(sorted({*self.guessed_years, *years})))

    def snoozed(self, until: datetime) -> UrgePlan:
        return replace(self, snoozed_until=until)

    def silent_reurge_at(self, interval: timedelta) -> datetime | None:
        """When the silent ones may be re-urged again (None: now)."""
        return self.silent_at + interval if self.silent_at is not None else None

    def silent_reurged(self, now: datetime) -> UrgePlan:
        return replace(self, silent_at=now, silent_count=self.silent_count + 1)

    def coordinated(self, occasion: str) -> UrgePlan:
        return replace(self, coordination_for=occasion)
