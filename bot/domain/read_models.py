"""Plain data the services hand outwards, for the message builders to render (so neither side
needs the other): who reads a message, an item with its history, a bulletin's figures and names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.events import ItemEvent
from bot.domain.items import Item
from bot.domain.reports import ChildSummary
from bot.domain.statistics import BulletinStats, OfficeLimits
from bot.domain.urge_modes import UrgeMode


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


@dataclass(frozen=True, slots=True)
class DepartmentName:
    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


@dataclass(slots=True)
class BulletinView:
    """What the service hands over: the computed figures plus names to show."""

    stats: BulletinStats
    departments: Mapping[str, DepartmentName]
    office: OfficeLimits | None = None
    tz: str = "Asia/Shanghai"
    urgings: Mapping[UrgeMode, int] | None = None  # urgings sent in the period by mode (催办方式)


# A note on a typed date (a message key and its parameters), rendered by messages.calendar.
Note = tuple[str, dict[str, Any]]
