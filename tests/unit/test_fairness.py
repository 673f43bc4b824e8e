"""Figures that judge units fairly (issue 12 §2), on a week of 2026 and on one in the coming year.

Each week is Monday..Sunday; ``day(n)`` is the n-th day of that week (0 = Monday).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar_sources import standard_calendar
from bot.domain.fairness import (
    NOT_COUNTED_STATES,
    counted,
    due_from_issue,
    fell_due,
    finished_on,
    outcome,
)
from bot.domain.periods import period_containing
from bot.domain.statistics import ItemSnapshot, compute

TZ = ZoneInfo("Asia/Shanghai")
CAL = standard_calendar().with_guessing()
MONDAYS = [date(2026, 11, 23), date(2027, 3, 15)]


@pytest.fixture(params=MONDAYS, ids=lambda d: str(d.year))
def monday(request: pytest.FixtureRequest) -> date:
    return request.param  # type: ignore[no-any-return]


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def snap(monday: date, number: str, due: int, **kw: object) -> ItemSnapshot:
    base = dict(
        number=number,
        title=number,
        department="office",
        state="in_progress",
        original_due=monday + timedelta(days=due),
        current_due=monday + timedelta(days=due),
        created_at=at(monday - timedelta(days=14)),
    )
    base.update(kw)
    return ItemSnapshot(**base)  # type: ignore[arg-type]


def week(monday: date, items: list[ItemSnapshot], today: date) -> object:
    return compute(items, period_containing("week", monday), today=today, tz=TZ, calendar=CAL)


def test_not_issued_or_ended_without_a_result_is_never_counted(monday: date) -> None:
    assert {"registered", "pending_approval", "rejected"} <= NOT_COUNTED_STATES
    assert counted("issued") and counted("completed") and not counted("pending_approval")
    waiting = [
        snap(monday, f"W-{state}", -5, state=state, unanswered_notice=True, return_count=3)
        for state in ("registered", "pending_approval", "rejected")
    ]
    stats = week(monday, waiting, monday + timedelta(days=8))
    assert stats.total.active == 0 and stats.total.overdue == 0  # type: ignore[attr-defined]
    assert stats.criticism == [] and stats.open_items == []  # type: ignore[attr-defined]


def test_the_clock_starts_at_issue_not_registration(monday: date) -> None:
    # Registered two weeks ago, issued on Wednesday of this week: new in this week.
    item = snap(monday, "I", 10, issued_at=at(monday + timedelta(days=2)))
    stats = week(monday, [item], monday + timedelta(days=8))
    assert (stats.total.new, stats.total.carried_over) == (1, 0)  # type: ignore[attr-defined]
    # The week before it was issued it is not there at all.
    before = compute(
        [item], period_containing("week", monday - timedelta(days=7)), today=monday, tz=TZ, calendar=CAL
    )
    assert before.total.active == 0


def test_on_time_is_the_final_report_day_not_the_approval(monday: date) -> None:
    # Reported on Wednesday, its deadline; the office approved only on Friday.
    item = snap(
        monday,
        "R",
        2,
        state="completed",
        final_reported_at=at(monday + timedelta(days=2), 17),
        completed_at=at(monday + timedelta(days=4)),
    )
    total = week(monday, [item], monday + timedelta(days=8)).total  # type: ignore[attr-defined]
    assert (total.completed, total.completed_on_time, total.completed_late) == (1, 1, 0)
    assert total.on_time_rate == 1.0
    assert finished_on(item.final_reported_at, item.completed_at, TZ) == monday + timedelta(days=2)
    assert outcome(monday + timedelta(days=4), monday + timedelta(days=2)).days_late == 2


def test_an_item_due_today_is_not_failed_by_todays_bulletin(monday: date) -> None:
    wednesday = monday + timedelta(days=2)
    item = snap(monday, "T", 2)
    today_figures = week(monday, [item], wednesday).total  # type: ignore[attr-defined]
    assert (today_figures.due_current, today_figures.overdue, today_figures.on_time_rate) == (0, 0, None)
    assert not fell_due(wednesday, wednesday, wednesday)
    assert fell_due(wednesday, wednesday, wednesday + timedelta(days=1))
    tomorrow = week(monday, [item], wednesday + timedelta(days=1)).total  # type: ignore[attr-defined]
    assert (tomorrow.due_current, tomorrow.on_time_rate) == (1, 0.0)


def test_a_bulletin_counts_only_what_happened_by_its_cut_off(monday: date) -> None:
    next_monday = monday + timedelta(days=7)
    late_notice = snap(monday, "N", 0, notices=((at(next_monday), None),), unanswered_notice=True)
    tuesday, thursday = monday + timedelta(days=1), monday + timedelta(days=3)
    answered = snap(monday, "A", 0, notices=((at(tuesday), at(thursday)),))
    open_notice = snap(monday, "O", 0, notices=((at(monday + timedelta(days=1)), at(next_monday)),))
    never = snap(monday, "V", 0)  # never urged: nothing unanswered
    done_after = snap(
        monday, "D", 0, state="completed", completed_at=at(next_monday), final_reported_at=at(next_monday)
    )
    stats = week(monday, [late_notice, answered, open_notice, never, done_after], next_monday)
    unanswered = [m.item.number for m in stats.criticism if "unanswered_notice" in m.reasons]  # type: ignore[attr-defined]
    assert unanswered == ["O"]
    assert stats.total.completed == 0 and stats.total.open == 5  # type: ignore[attr-defined]


def test_no_completions_never_shows_a_rate_and_completions_never_show_zero(monday: date) -> None:
    sunday_after = monday + timedelta(days=7)
    # Due next week, completed on time this week; nothing else judged.
    early = snap(
        monday,
        "E",
        9,
        state="completed",
        completed_at=at(monday + timedelta(days=1)),
        final_reported_at=at(monday + timedelta(days=1)),
    )
    assert week(monday, [early], sunday_after).total.on_time_rate == 1.0  # type: ignore[attr-defined]
    # A unit finished before the week with a deadline inside it: not judged here.
    before = snap(monday, "B", 2, state="completed", completed_at=at(monday - timedelta(days=3)))
    figures = week(monday, [before], sunday_after).total  # type: ignore[attr-defined]
    assert (figures.completed, figures.on_time_rate) == (0, None)


def test_a_deadline_set_before_approval_runs_from_issue(monday: date) -> None:
    # Registered on Monday with a deadline on Friday; approved on Wednesday: two working days later.
    due = due_from_issue(monday + timedelta(days=4), monday, monday + timedelta(days=2), CAL)
    assert CAL.workdays_between(monday + timedelta(days=4), due) == 2
    assert due_from_issue(monday + timedelta(days=4), monday, monday, CAL) == monday + timedelta(days=4)


def test_the_ledger_judges_by_the_final_report_too(monday: date) -> None:
    from messages.ledger import on_time_flag

    reported_on_the_day = snap(
        monday,
        "L",
        2,
        state="completed",
        final_reported_at=at(monday + timedelta(days=2), 17),
        completed_at=at(monday + timedelta(days=4)),
    )
    assert on_time_flag(reported_on_the_day, monday + timedelta(days=8), TZ, "zh") == "是"
    waiting = snap(monday, "P", -3, state="pending_approval")
    assert on_time_flag(waiting, monday + timedelta(days=8), TZ, "zh") == ""  # not the unit's yet
