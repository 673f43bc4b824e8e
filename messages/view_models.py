"""Plain data the services hand to the message builders (so messages never touch storage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.events import ItemEvent
from bot.domain.items import Item
from bot.domain.reports import ChildSummary


@dataclass(frozen=True, slots=True)
class Reader:
    """Who will read a message: decides language, timezone and what may be shown."""

    user_id: str
    locale: str
    tz: str
    can_see_confidential: bool = False


@dataclass(slots=True)
class ItemDetail:
    item: Item
    events: list[ItemEvent] = field(default_factory=list)
    overdue_days: int = 0
    children: list[ChildSummary] = field(default_factory=list)  # sub-items (分解)
    review_overdue_since: date | None = None  # the office's review limit ran out on this day
    reports: dict[int, dict[str, Any]] = field(default_factory=dict)  # report id -> its texts
    parent: tuple[str, str | None] | None = None  # a sub-item's parent: number, title (None: hidden)
