"""Statistics for bulletins (通报), dashboards and the ledger: plain functions over item snapshots.

Everything is computed *as of* a day (``as_of``: the last day of the period, or today while the
period is still running), in the organisation's timezone, from :class:`ItemSnapshot` values the
services build. No I/O and no clock: the caller passes the day and the calendar.

Formulas (the bulletin footer and ``docs/bulletins.md`` repeat them):

* *active in the period*: created on or before ``as_of`` and not completed before the period began.
  *New* ones were created in the period, *carried over* ones before it.
* *completed*: completed (办结) between the period's first day and ``as_of``.
* *open* (办理中): active and not completed by ``as_of``; *overdue*: open and ``as_of`` is after the
  current deadline; *overdue days*: ``as_of`` minus the deadline, in calendar days.
* *due* (应办结): items whose deadline falls between the period's first day and ``as_of``.
* *on-time rate* (按时办结率) = due items completed on or before their deadline ÷ due items, once
  against the current (possibly extended) deadline and once against the original one.
* *five-way split* of the active items: completed on time, completed late (current deadline),
  open and not yet due, open and overdue, no deadline (FYI transfers need no report); new and
  carried-over items are counted apart.
* *completion rate* (办结率) = active items finished by ``as_of`` (FYI transfers closed included)
  ÷ active items.
* *returns*: 退回重办 of the active items that happened in the period (by the date of each
  return); *average urging rounds*: mean urge round of the active items.
* *traffic light* of an open item: red when overdue or reported blocked; yellow when the deadline is
  at most ``yellow_workdays`` working days away or it is reported at risk; green otherwise.
* *praise*: completed in the period on or before the deadline, never returned; *criticism*: overdue
  by more than ``criticism_overdue_days`` days, an unanswered written urging notice, or returned at
  least ``criticism_returns`` times.
* *department score* = on-time completions × ``score_on_time`` + late completions × ``score_late``
  + returns in the period × ``score_return`` (defaults +1, −1, −2).
* Items whose approval was refused (state ``rejected``) or that were withdrawn (``withdrawn``) are
  not counted anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError
from bot.domain.lifecycle import State
from bot.domain.periods import Period, recent_periods

NO_DEPARTMENT = ""  # the bucket of items whose lead owner belongs to no department

_FINISHED = frozenset({"completed", "archived", "closed"})
# Proposals the leaders refused and items withdrawn (撤销): finished, but never counted in any figure.
EXCLUDED_STATES = frozenset({State.REJECTED.value, State.WITHDRAWN.value})


# -- input ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemSnapshot:
    """What statistics need to know about one item."""

    number: str
    title: str
    department: str  # department key (code), NO_DEPARTMENT if none
    state: str
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


# -- computation ------------------------------------------------------------------------------------


def local_day(instant: datetime, tz: tzinfo) -> date:
    return instant.astimezone(tz).date()


def _workdays_left(calendar: WorkCalendar, as_of: date, due: date) -> int:
    try:
        return calendar.workdays_between(as_of, due)
    except DomainError:  # a year nobody entered yet: count calendar days rather than fail the bulletin
        return (due - as_of).days


def traffic_light(
    item: ItemSnapshot, as_of: date, calendar: WorkCalendar, yellow_workdays: int = 2
) -> tuple[Light, int | None]:
    """The light of an open item and the working days left before its deadline."""
    due = item.current_due
    if item.health == "blocked" or (due is not None and as_of > due):
        return Light.RED, None
    left = _workdays_left(calendar, as_of, due) if due is not None else None
    if item.health == "at_risk" or (left is not None and left <= yellow_workdays):
        return Light.YELLOW, left
    return Light.GREEN, left


def compute(
    items: Iterable[ItemSnapshot],
    period: Period,
    *,
    today: date,
    tz: tzinfo,
    calendar: WorkCalendar,
    config: StatsConfig | None = None,
) -> BulletinStats:
    """All figures of ``period`` as of ``min(period.end, today)``."""
    config = config or StatsConfig()
    as_of = min(period.end, today)
    total = Figures()
    departments: dict[str, Figures] = {}
    open_items: list[OpenItem] = []
    praise: list[Mention] = []
    criticism: list[Mention] = []
    escalated: list[ItemSnapshot] = []

    for item in items:
        if item.state in EXCLUDED_STATES:
            continue
        created = local_day(item.created_at, tz)
        if created > as_of:
            continue
        done_day = local_day(item.completed_at, tz) if item.completed_at is not None else None
        if done_day is None and item.state in _FINISHED:
            done_day = created  # finished without a stamp (old data): count it as finished at once
        finished = done_day is not None and done_day <= as_of
        due, original = item.current_due, item.original_due
        due_current = due is not None and period.start <= due <= as_of
        due_original = original is not None and period.start <= original <= as_of
        before = done_day is not None and done_day < period.start
        if before and not (due_current or due_original):
            continue  # finished before the period: not part of it
        scopes = (total, departments.setdefault(item.department, Figures()))
        # 应办结 first: an item due in the period but finished before it began was still due here
        # (and met its deadline), even though it is not otherwise part of the period.
        for scope in scopes:
            if due_current:
                assert due is not None
                scope.due_current += 1
                scope.due_current_on_time += finished and done_day is not None and done_day <= due
            if due_original:
                assert original is not None
                scope.due_original += 1
                scope.due_original_on_time += finished and done_day is not None and done_day <= original
        if before:
            continue  # finished before the period: due above, otherwise not part of it
        is_new = created >= period.start

        if due is None:
            split = Split.NO_DEADLINE
        elif finished:
            assert done_day is not None
            split = Split.ON_TIME if done_day <= due else Split.LATE
        else:
            split = Split.OPEN_OVERDUE if as_of > due else Split.OPEN_NOT_DUE
        overdue_days = (as_of - due).days if split is Split.OPEN_OVERDUE and due is not None else 0
        completed_here = finished and done_day is not None and done_day >= period.start
        on_time_here = completed_here and due is not None and done_day is not None and done_day <= due
        late_here = completed_here and due is not None and done_day is not None and done_day > due
        was_escalated = item.escalated_at is not None and local_day(item.escalated_at, tz) <= as_of
        returns_here = sum(period.start <= local_day(r, tz) <= as_of for r in item.returned_at)

        for scope in scopes:
            scope.active += 1
            scope.new += is_new
            scope.carried_over += not is_new
            (scope.split_new if is_new else scope.split_carried)[split] += 1
            scope.completed += completed_here
            scope.completed_on_time += on_time_here
            scope.completed_late += late_here
            scope.finished += finished
            scope.open += not finished
            scope.overdue += split is Split.OPEN_OVERDUE
            scope.overdue_days += overdue_days
            scope.max_overdue_days = max(scope.max_overdue_days, overdue_days)
            scope.returns += returns_here
            scope.urge_rounds += item.urge_round
            scope.escalated += was_escalated
            scope.score += (
                on_time_here * config.score_on_time
                + late_here * config.score_late
                + returns_here * config.score_return
            )

        if not finished:
            light, left = traffic_light(item, as_of, calendar, config.yellow_workdays)
            for scope in scopes:
                scope.lights[light] += 1
            open_items.append(OpenItem(item, light, overdue_days, left))
        if on_time_here and item.return_count == 0:
            assert done_day is not None and due is not None
            early = (due - done_day).days
            praise.append(Mention(item, ("early" if early > 0 else "on_time",), days_early=early))
        reasons = []
        if overdue_days > config.criticism_overdue_days:
            reasons.append("overdue")
        if item.unanswered_notice and not finished:
            reasons.append("unanswered_notice")
        if item.return_count >= config.criticism_returns:
            reasons.append("returns")
        if reasons:
            criticism.append(Mention(item, tuple(reasons), overdue_days=overdue_days))
        if was_escalated and (not finished or completed_here):
            escalated.append(item)

    rank = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}
    open_items.sort(
        key=lambda o: (rank[o.light], -o.overdue_days, o.item.current_due or date.max, o.item.number)
    )
    praise.sort(key=lambda m: (-m.days_early, m.item.number))
    criticism.sort(key=lambda m: (-m.overdue_days, -m.item.return_count, m.item.number))
    escalated.sort(key=lambda i: (i.escalated_at or i.created_at, i.number))
    limit = config.list_limit
    return BulletinStats(
        period=period,
        as_of=as_of,
        total=total,
        departments=dict(sorted(departments.items(), key=lambda kv: (kv[0] == NO_DEPARTMENT, kv[0]))),
        open_items=open_items[:limit],
        praise=praise[:limit],
        criticism=criticism[:limit],
        escalated=escalated[:limit],
        config=config,
    )


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    completed: int
    on_time_rate: float | None
    on_time_rate_original: float | None
    overdue: int


def trend(
    items: Sequence[ItemSnapshot],
    period: Period,
    *,
    count: int,
    today: date,
    tz: tzinfo,
    calendar: WorkCalendar,
    config: StatsConfig | None = None,
) -> list[TrendPoint]:
    """The headline figures of the last ``count`` periods ending with ``period``, oldest first."""
    points = []
    for each in recent_periods(period, count):
        figures = compute(items, each, today=today, tz=tz, calendar=calendar, config=config).total
        points.append(
            TrendPoint(
                each,
                figures.completed,
                figures.on_time_rate,
                figures.on_time_rate_original,
                figures.overdue,
            )
        )
    return points


# -- the office's own time limits (督查机构时限) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficeTimeline:
    """When the office acted on one item, from its dossier events."""

    registered_at: datetime
    issued_at: datetime | None = None
    reviews: tuple[tuple[datetime, datetime | None], ...] = ()  # (final report, review decision or None)
    proposed_at: datetime | None = None  # handling proposed to the leader (拟办呈批), or issued directly


@dataclass(slots=True)
class OfficeLimits:
    """Register the same day; issue within ``issue_days`` working days; review within ``review_days``."""

    registered: int = 0
    proposed_checked: int = 0
    proposed_late: int = 0
    issued_checked: int = 0
    issued_late: int = 0
    reviews_checked: int = 0
    reviews_late: int = 0
    reviews_waiting_late: int = 0  # undecided reports already past the review limit

    @property
    def issue_rate(self) -> float | None:
        return 1 - self.issued_late / self.issued_checked if self.issued_checked else None

    @property
    def review_rate(self) -> float | None:
        return 1 - self.reviews_late / self.reviews_checked if self.reviews_checked else None


def office_limits(
    timelines: Iterable[OfficeTimeline],
    period: Period,
    *,
    today: date,
    tz: tzinfo,
    calendar: WorkCalendar,
    issue_days: int = 2,
    review_days: int = 1,
    propose_days: int = 1,
) -> OfficeLimits:
    """How often the office kept its own time limits for work that fell in ``period``.

    Registration happens when the item is created, so "register the same day" always holds here;
    the count is reported for completeness. An issue is checked when the item was registered in the
    period; a review when the final report came in during the period.
    """
    as_of = min(period.end, today)
    result = OfficeLimits()

    def late(start: datetime, end: datetime | None, days: int) -> bool:
        limit = _limit(calendar, local_day(start, tz), days)
        finished = local_day(end, tz) if end is not None else None
        return finished > limit if finished is not None else as_of > limit

    for timeline in timelines:
        registered = local_day(timeline.registered_at, tz)
        if period.start <= registered <= as_of:
            result.registered += 1
            # Proposing handling (or issuing straight away, which decides it) within one working day.
            result.proposed_checked += 1
            proposed = timeline.proposed_at or timeline.issued_at
            result.proposed_late += late(timeline.registered_at, proposed, propose_days)
            result.issued_checked += 1
            result.issued_late += late(timeline.registered_at, timeline.issued_at, issue_days)
        for reported_at, decided_at in timeline.reviews:
            if not period.start <= local_day(reported_at, tz) <= as_of:
                continue
            if decided_at is None:
                result.reviews_waiting_late += late(reported_at, None, review_days)
                continue
            result.reviews_checked += 1
            result.reviews_late += late(reported_at, decided_at, review_days)
    return result


def _limit(calendar: WorkCalendar, day: date, days: int) -> date:
    try:
        return calendar.add_workdays(day, days)
    except DomainError:
        return day + timedelta(days=days)
