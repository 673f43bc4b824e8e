"""The bulletin statistics as they were before the one-pass rewrite (``bot.domain.statistics`` at 30ce9d8):
the straightforward reference the fast path is held to (``test_statistics_fast_path.py``). Test code only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, tzinfo

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError
from bot.domain.fairness import (
    FINISHED_STATES,
    NOT_COUNTED_STATES,
    clock_start,
    fell_due,
    finished_on,
    happened_by,
    local_day,
)
from bot.domain.figures import (
    SPLIT_ORDER,  # noqa: F401 (re-exported: the bulletin renders the split in this order)
    BulletinStats,
    Figures,
    ItemSnapshot,
    Light,
    Mention,
    OpenItem,
    Split,
    StatsConfig,
)
from bot.domain.lifecycle import State
from bot.domain.periods import Period, recent_periods
from bot.domain.trend import TrendPoint  # the value type only; the rules here are the reference's own

NO_DEPARTMENT = ""  # the bucket of items whose lead owner belongs to no department

_FINISHED = FINISHED_STATES
# Never counted in any figure: not yet issued, or ended without a result (bot.domain.fairness).
EXCLUDED_STATES = NOT_COUNTED_STATES


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
            continue  # not yet issued, or ended without a result: not the units' record
        created = local_day(clock_start(item.issued_at, item.created_at), tz)
        if created > as_of:
            continue
        done_day = local_day(item.completed_at, tz) if item.completed_at is not None else None
        if done_day is None and item.state in _FINISHED:
            done_day = created  # finished without a stamp (old data): count it as finished at once
        finished = done_day is not None and done_day <= as_of
        if done_day is not None and done_day < period.start:
            continue  # finished before the period: judged in the period it finished in
        # The one rule for "on time": the unit's final report day against the deadline.
        judged = finished_on(item.final_reported_at, item.completed_at, tz) if finished else None
        if finished and judged is None:
            judged = done_day
        due, original = item.current_due, item.original_due
        # Not finished by the cut-off but its final report was with the office then (returned ones are not).
        reported = None
        awaiting = item.state in (State.REPORTED, State.UNDER_REVIEW) or item.state in _FINISHED
        if not finished and awaiting and item.final_reported_at is not None:
            day = local_day(item.final_reported_at, tz)
            reported = day if day <= as_of else None
        scopes = (total, departments.setdefault(item.department, Figures()))
        is_new = created >= period.start

        if due is None:
            split = Split.NO_DEADLINE
        elif finished:
            assert judged is not None
            split = Split.ON_TIME if judged <= due else Split.LATE
        elif reported is not None and reported <= due:
            split = Split.OPEN_NOT_DUE  # reported on time, the office's turn
        else:
            split = Split.OPEN_OVERDUE if as_of > due else Split.OPEN_NOT_DUE
        stopped = reported if reported is not None else as_of
        overdue_days = (stopped - due).days if split is Split.OPEN_OVERDUE and due is not None else 0
        completed_here = finished
        on_time_here = completed_here and due is not None and judged is not None and judged <= due
        late_here = completed_here and due is not None and judged is not None and judged > due
        # 按时办结率: completions in the period, plus open items whose deadline fell by the cut-off.
        judged_current = (completed_here and due is not None) or (
            not finished
            and fell_due(due, as_of, today)
            and not (reported is not None and due is not None and reported <= due)
        )
        judged_original = (completed_here and original is not None) or (
            not finished
            and fell_due(original, as_of, today)
            and not (reported is not None and original is not None and reported <= original)
        )
        was_escalated = happened_by(item.escalated_at, as_of, tz)
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
            scope.due_current += judged_current
            scope.due_current_on_time += judged_current and on_time_here
            scope.due_original += judged_original
            scope.due_original_on_time += (
                judged_original
                and completed_here
                and original is not None
                and judged is not None
                and judged <= original
            )
            scope.returns += returns_here
            scope.urge_rounds += item.urge_round
            scope.escalated += was_escalated
            scope.score += (
                on_time_here * config.score_on_time
                + late_here * config.score_late
                + returns_here * config.score_return
            )

        if not finished and reported is not None and due is not None and reported <= due:
            for scope in scopes:
                scope.lights[Light.GREEN] += 1
            open_items.append(OpenItem(item, Light.GREEN, 0, None))
        elif not finished:
            light, left = traffic_light(item, as_of, calendar, config.yellow_workdays)
            for scope in scopes:
                scope.lights[light] += 1
            open_items.append(OpenItem(item, light, overdue_days, left))
        if on_time_here and item.return_count == 0:
            assert judged is not None and due is not None
            early = (due - judged).days
            praise.append(Mention(item, ("early" if early > 0 else "on_time",), days_early=early))
        reasons = []
        if overdue_days > config.criticism_overdue_days:
            reasons.append("overdue")
        if not finished and item.notice_unanswered(as_of, tz):
            reasons.append("unanswered_notice")
        if item.return_count >= config.criticism_returns:
            reasons.append("returns")
        if reasons:
            criticism.append(Mention(item, tuple(reasons), overdue_days=overdue_days))
        if was_escalated:
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
