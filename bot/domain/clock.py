"""Time is read only through a clock object so tests and the demo can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; the demo console and the tests drive it."""

    def __init__(self, start: datetime | None = None, *, follow_system: bool = False) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._offset = timedelta(0)
        self._fixed = start
        self._follow_system = follow_system

    def now(self) -> datetime:
        base = datetime.now(UTC) if self._follow_system or self._fixed is None else self._fixed
        return (base + self._offset).astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._offset += delta

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._fixed, self._offset, self._follow_system = instant, timedelta(0), False
