"""What the statistics take and give: item snapshots in, figures, lights and bulletin lists out
(:mod:`bot.domain.statistics` computes them; its docstring states the formulas)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum

from bot.domain.fairness import happened_by
from bot.domain.lifecycle import State
from bot.domain.periods import Period

# -- input ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemSnapshot:
    """What statistics need to know about one item."""

    number: str
    title: str
    department: str  # department key (code), NO_DEPARTMENT if none
    state: State
    original_due: date | None  # None: no deadline (FYI transfers)
    current_due: date | None
    created_at: datetime
    completed_at: datetime | None = None
    confidential: bool = False
    return_count: int = 0  # lifetime 退回重办 count
    returned_at: tuple[datetime, ...] = ()  # when each return happened (dossier ``returned`` events)
    urge_round: int = 0
    escalated_at: datetime | None = None
    health: str | None = None  # on_track | at_risk | blocked
    unanswered_notice: bool = False  # a written urging notice (催办通知) is still unanswered
    item_id: int | None = None
    lead_id: str | None = None
    issued_at: datetime | None = None  # 交办: the units' clock starts here (registration if None)
    final_reported_at: datetime | None = None  # the unit's final report that led to completion
    # Written urging notices (催办通知) as (sent, answered or None); judged as of a bulletin's cut-off.
    notices: tuple[tuple[datetime, datetime | None], ...] = ()

    def notice_unanswered(self, as_of: date, tz: tzinfo) -> bool:
        """A notice sent by the cut-off day and not answered by then."""
        if not self.notices:
            return self.unanswered_notice
        return any(
            happened_by(sent, as_of, tz) and not happened_by(answered, as_of, tz)
            for sent, answered in self.notices
        )


@dataclass(frozen=True, slots=True)
class StatsConfig:
    yellow_workdays: int = 2
    criticism_overdue_days: int = 3
    criticism_returns: int = 2
    score_on_time: int = 1
    score_late: int = -1
    score_return: int = -2
    list_limit: int = 500  # entries kept per list (the renderer shows fewer)


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Split(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    OPEN_NOT_DUE = "open_not_due"
    OPEN_OVERDUE = "open_overdue"
    NO_DEADLINE = "no_deadline"


SPLIT_ORDER: tuple[Split, ...] = tuple(Split)


# -- output ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Figures:
    """The counts of one scope (the whole organisation or one department)."""

    active: int = 0
    new: int = 0
    carried_over: int = 0
    completed: int = 0
    completed_on_time: int = 0  # completed in the period on or before the current deadline
    completed_late: int = 0
    finished: int = 0  # finished (completed, closed, archived) by the day of the figures
    open: int = 0
    overdue: int = 0
    overdue_days: int = 0
    max_overdue_days: int = 0
    due_current: int = 0  # 应办结 against the current deadline
    due_current_on_time: int = 0
    due_original: int = 0  # 应办结 against the original deadline
    due_original_on_time: int = 0
    returns: int = 0  # returns that happened in the period
    urge_rounds: int = 0
    escalated: int = 0
    score: int = 0
    split_new: dict[Split, int] = field(default_factory=lambda: dict.fromkeys(SPLIT_ORDER, 0))
    split_carried: dict[Split, int] = field(default_factory=lambda: dict.fromkeys(SPLIT_ORDER, 0))
    lights: dict[Light, int] = field(default_factory=lambda: dict.fromkeys(Light, 0))

    @property
    def on_time_rate(self) -> float | None:
        """按时办结率 against the current deadline; None when nothing fell due."""
        return self.due_current_on_time / self.due_current if self.due_current else None

    @property
    def on_time_rate_original(self) -> float | None:
        return self.due_original_on_time / self.due_original if self.due_original else None

    @property
    def completion_rate(self) -> float | None:
        """办结率 = items finished by ``as_of`` (no-deadline ones included) ÷ active items."""
        return self.finished / self.active if self.active else None

    @property
    def average_urge_rounds(self) -> float:
        return self.urge_rounds / self.active if self.active else 0.0

    def split(self, kind: Split) -> int:
        return self.split_new[kind] + self.split_carried[kind]


@dataclass(frozen=True, slots=True)
class OpenItem:
    item: ItemSnapshot
    light: Light
    overdue_days: int
    workdays_left: int | None  # None when overdue or without a deadline


@dataclass(frozen=True, slots=True)
class Mention:
    """An item on the praise or criticism list, with why."""

    item: ItemSnapshot
    reasons: tuple[str, ...]  # early | on_time | overdue | unanswered_notice | returns
    overdue_days: int = 0
    days_early: int = 0


@dataclass(slots=True)
class BulletinStats:
    period: Period
    as_of: date
    total: Figures
    departments: dict[str, Figures]
    open_items: list[OpenItem]  # most urgent first
    praise: list[Mention]
    criticism: list[Mention]
    escalated: list[ItemSnapshot]
    config: StatsConfig
