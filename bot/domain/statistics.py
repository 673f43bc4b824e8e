"""Statistics for bulletins (通报), dashboards and the ledger: plain functions over item snapshots.

Everything is computed *as of* a day (``as_of``: the last day of the period, or today while the
period is still running), in the organisation's timezone, from :class:`ItemSnapshot` values the
services build. No I/O and no clock: the caller passes the day and the calendar.

Formulas (the bulletin footer and ``docs/bulletins.md`` repeat them; the counting rules themselves
live in :mod:`bot.domain.fairness`):

* *counted*: only issued items. Items waiting for approval, not yet issued, or ended without a result
  (rejected, withdrawn …) are not counted, not overdue and never criticised.
* *active in the period*: issued on or before ``as_of`` and not finished before the period began.
  *New* ones were issued in the period, *carried over* ones before it.
* *completed*: completed (办结) between the period's first day and ``as_of``.
* *on time*: the unit's final report day is on or before the deadline (the office's review time
  is the office's own limit, not the unit's). FYI transfers close by acknowledgement and have no
  deadline.
* *open* (办理中): active and not completed by ``as_of``; *overdue*: open and ``as_of`` is after the
  current deadline; *overdue days*: ``as_of`` minus the deadline, in calendar days. An item whose final
  report reached the office by the cut-off and waits for its decision stopped the unit's clock there: on
  or before the deadline it is neither overdue nor judged (green) until the office decides; after it,
  its overdue days end at the report.
* *judged* (应办结): completions in the period with a deadline, plus open items whose deadline fell
  by the cut-off. A deadline on the cut-off day falls only when that day is over, so an item due
  today is not failed by a bulletin published today.
* *on-time rate* (按时办结率) = completed on time ÷ judged; "—" when nothing was judged, so a unit
  with no completions never shows 100%. Once against the current (possibly extended) deadline and
  once against the original one.
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
  by more than ``criticism_overdue_days`` days, a written urging notice sent by the cut-off and not
  answered by it, or returned at least ``criticism_returns`` times.
* *department score* = on-time completions × ``score_on_time`` + late completions × ``score_late``
  + returns in the period × ``score_return`` (defaults +1, −1, −2).
* Items whose approval was refused (state ``rejected``) or that were withdrawn (``withdrawn``) are
  not counted anywhere.
* Everything is counted as it stood at the cut-off: what happened after it (a completion, an
  urging notice sent the morning the bulletin goes out) belongs to the next period.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import date, tzinfo

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError
from bot.domain.fairness import (
    FINISHED_STATES,
    NOT_COUNTED_STATES,
    fell_due,
    finished_on,
    local_day,
    reported_by,
    with_the_office,
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
from bot.domain.periods import Period

NO_DEPARTMENT = ""  # the bucket of items whose lead owner belongs to no department

_FINISHED = FINISHED_STATES
# Never counted in any figure: not yet issued, or ended without a result (bot.domain.fairness).
EXCLUDED_STATES = NOT_COUNTED_STATES


# -- computation ------------------------------------------------------------------------------------


def _workdays_left(calendar: WorkCalendar, as_of: date, due: date) -> int:
    try:
        return calendar.workdays_between(as_of, due)
    except DomainError:  # a year nobody entered yet: count calendar days rather than fail the bulletin
        return (due - as_of).days


def traffic_light(
    item: ItemSnapshot,
    as_of: date,
    calendar: WorkCalendar,
    yellow_workdays: int = 2,
    *,
    left_until: Callable[[date], int] | None = None,
) -> tuple[Light, int | None]:
    """The light of an open item and the working days left before its deadline (``left_until(due)``
    answers the working days from ``as_of`` to ``due``; a caller lighting many items memoises it)."""
    due = item.current_due
    if item.health == "blocked" or (due is not None and as_of > due):
        return Light.RED, None
    left = None
    if due is not None:
        left = left_until(due) if left_until is not None else _workdays_left(calendar, as_of, due)
    if item.health == "at_risk" or (left is not None and left <= yellow_workdays):
        return Light.YELLOW, left
    return Light.GREEN, left


_SUMMED = tuple(f.name for f in fields(Figures) if f.type in ("int", int) and f.name != "max_overdue_days")


def _merged(parts: Iterable[Figures]) -> Figures:
    """The sum of several scopes' figures (the organisation's total is the sum of its departments')."""
    total = Figures()
    for part in parts:
        for name in _SUMMED:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        total.max_overdue_days = max(total.max_overdue_days, part.max_overdue_days)
        for mine, theirs in (
            (total.split_new, part.split_new),
            (total.split_carried, part.split_carried),
            (total.lights, part.lights),
        ):
            for key, count in theirs.items():
                mine[key] += count
    return total


def compute(
    items: Iterable[ItemSnapshot],
    period: Period,
    *,
    today: date,
    tz: tzinfo,
    calendar: WorkCalendar,
    config: StatsConfig | None = None,
    figures_only: bool = False,
) -> BulletinStats:
    """All figures of ``period`` as of ``min(period.end, today)``, in one pass over ``items``.

    Each item is counted in its department's figures; the total is their sum. ``figures_only`` leaves
    out what only the bulletin's lists need (lights, open items, praise, criticism, escalations): the
    trend asks for the headline figures of several periods."""
    with _gc_paused():
        return _compute(items, period, today, tz, calendar, config or StatsConfig(), figures_only)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The loop allocates a few small acyclic objects per item; over 100,000 snapshots the cyclic
    collector would otherwise rescan the whole heap again and again for nothing (a third of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compute(
    items: Iterable[ItemSnapshot],
    period: Period,
    today: date,
    tz: tzinfo,
    calendar: WorkCalendar,
    config: StatsConfig,
    figures_only: bool,
) -> BulletinStats:
    as_of = min(period.end, today)
    start = period.start
    departments: dict[str, Figures] = {}
    rank = {light: n for n, light in enumerate(_LIGHTS)}
    yellow = config.yellow_workdays
    open_keys: list[tuple[int, int, date, str, int, ItemSnapshot, int | None]] = []
    praise_keys: list[tuple[int, str, int, ItemSnapshot]] = []
    criticism_keys: list[tuple[int, int, str, int, ItemSnapshot, tuple[str, ...]]] = []
    escalated: list[ItemSnapshot] = []
    score_on_time, score_late, score_return = config.score_on_time, config.score_late, config.score_return
    overdue_after, returns_limit = config.criticism_overdue_days, config.criticism_returns
    # Deadlines repeat across items: working days from as_of to each one are counted once.
    left_memo: dict[date, int] = {}

    def left_until(due: date) -> int:
        left = left_memo.get(due)
        if left is None:
            left = left_memo[due] = _workdays_left(calendar, as_of, due)
        return left

    for item in items:
        if item.state in EXCLUDED_STATES:
            continue  # not yet issued, or ended without a result: not the units' record
        created = local_day(item.issued_at or item.created_at, tz)  # fairness.clock_start
        if created > as_of:
            continue
        done_day = local_day(item.completed_at, tz) if item.completed_at is not None else None
        if done_day is None and item.state in _FINISHED:
            done_day = created  # finished without a stamp (old data): count it as finished at once
        finished = done_day is not None and done_day <= as_of
        if done_day is not None and done_day < start:
            continue  # finished before the period: judged in the period it finished in
        # The one rule for "on time": the unit's final report day against the deadline.
        judged = finished_on(item.final_reported_at, item.completed_at, tz) if finished else None
        if finished and judged is None:
            judged = done_day
        due, original = item.current_due, item.original_due
        scope = departments.get(item.department)
        if scope is None:
            scope = departments[item.department] = Figures()
        is_new = created >= start

        overdue_days = 0
        on_time_here = late_here = False
        # Waiting for the office's decision: the unit's clock stopped at its final report.
        reported = None if finished else reported_by(item.state, item.final_reported_at, as_of, tz)
        if due is None:
            split = Split.NO_DEADLINE
        elif finished:
            assert judged is not None
            on_time_here = judged <= due
            late_here = not on_time_here
            split = Split.ON_TIME if on_time_here else Split.LATE
        elif as_of > due and not with_the_office(reported, due):
            split = Split.OPEN_OVERDUE
            overdue_days = ((reported or as_of) - due).days
        else:
            split = Split.OPEN_NOT_DUE
        # 按时办结率: completions in the period, plus open items whose deadline fell by the cut-off (an item
        # reported on time and waiting for the office is judged when the office decides).
        if finished:
            judged_current = due is not None
            judged_original = original is not None
        else:
            judged_current = fell_due(due, as_of, today) and not with_the_office(reported, due)
            judged_original = fell_due(original, as_of, today) and not with_the_office(reported, original)
        was_escalated = item.escalated_at is not None and local_day(item.escalated_at, tz) <= as_of
        returns_here = (
            sum(start <= local_day(r, tz) <= as_of for r in item.returned_at) if item.returned_at else 0
        )

        scope.active += 1
        if is_new:
            scope.new += 1
            scope.split_new[split] += 1
        else:
            scope.carried_over += 1
            scope.split_carried[split] += 1
        if finished:
            scope.completed += 1
            scope.finished += 1
            scope.completed_on_time += on_time_here
            scope.completed_late += late_here
        else:
            scope.open += 1
        if overdue_days:
            scope.overdue += 1
            scope.overdue_days += overdue_days
            if overdue_days > scope.max_overdue_days:
                scope.max_overdue_days = overdue_days
        elif split is Split.OPEN_OVERDUE:
            scope.overdue += 1
        if judged_current:
            scope.due_current += 1
            scope.due_current_on_time += on_time_here
        if judged_original:
            scope.due_original += 1
            scope.due_original_on_time += (
                finished and original is not None and judged is not None and judged <= original
            )
        scope.returns += returns_here
        scope.urge_rounds += item.urge_round
        scope.escalated += was_escalated
        scope.score += on_time_here * score_on_time + late_here * score_late + returns_here * score_return

        if figures_only:
            continue
        # The lists keep sort keys (then an arrival number, so ties keep input order) and build their
        # entries only for the rows kept.
        if with_the_office(reported, due):
            light, left = Light.GREEN, None  # the unit's part is done, on time
            scope.lights[light] += 1
            open_keys.append((rank[light], 0, due or date.max, item.number, len(open_keys), item, left))
        elif not finished:
            light, left = traffic_light(item, as_of, calendar, yellow, left_until=left_until)
            scope.lights[light] += 1
            open_keys.append(
                (rank[light], -overdue_days, due or date.max, item.number, len(open_keys), item, left)
            )
        if on_time_here and item.return_count == 0:
            assert judged is not None and due is not None
            early = (due - judged).days
            praise_keys.append((-early, item.number, len(praise_keys), item))
        late_flag = overdue_days > overdue_after
        notice_flag = (
            not finished and (item.notices or item.unanswered_notice) and item.notice_unanswered(as_of, tz)
        )
        returns_flag = item.return_count >= returns_limit
        if late_flag or notice_flag or returns_flag:
            reasons = ("overdue",) * late_flag + ("unanswered_notice",) * bool(notice_flag)
            reasons += ("returns",) * returns_flag
            criticism_keys.append(
                (-overdue_days, -item.return_count, item.number, len(criticism_keys), item, reasons)
            )
        if was_escalated:
            escalated.append(item)

    limit = config.list_limit
    # nsmallest(n, xs) == sorted(xs)[:n], without sorting what is cut off.
    return BulletinStats(
        period=period,
        as_of=as_of,
        total=_merged(departments.values()),
        departments=dict(sorted(departments.items(), key=lambda kv: (kv[0] == NO_DEPARTMENT, kv[0]))),
        open_items=[
            OpenItem(item, _LIGHTS[light_rank], -minus_overdue, left)
            for light_rank, minus_overdue, _, _, _, item, left in heapq.nsmallest(limit, open_keys)
        ],
        praise=[
            Mention(item, ("early" if minus_early < 0 else "on_time",), days_early=-minus_early)
            for minus_early, _, _, item in heapq.nsmallest(limit, praise_keys)
        ],
        criticism=[
            Mention(item, reasons, overdue_days=-minus_overdue)
            for minus_overdue, _, _, _, item, reasons in heapq.nsmallest(limit, criticism_keys)
        ],
        escalated=heapq.nsmallest(limit, escalated, key=lambda i: (i.escalated_at or i.created_at, i.number)),
        config=config,
    )


_LIGHTS = (Light.RED, Light.YELLOW, Light.GREEN)  # most urgent first


# The office's own time limits live in bot.domain.office_limits; re-exported for old imports.
from bot.domain.office_limits import OfficeLimits, OfficeTimeline, office_limits  # noqa: E402, F401
from bot.domain.trend import TrendPoint, trend  # noqa: E402, F401 (re-exported)
