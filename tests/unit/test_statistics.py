"""Bulletin statistics on a small fixed data set whose figures were computed by hand.

Week 2026-W48 is Monday 23 to Sunday 29 November 2026; the bulletin is made on Tuesday 1 December,
so everything is judged as of Sunday 29 November.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.calendar_sources import standard_calendar
from bot.domain.periods import Period, PeriodKind, due_period, period_containing
from bot.domain.statistics import (
    NO_DEPARTMENT,
    ItemSnapshot,
    Light,
    OfficeTimeline,
    Split,
    StatsConfig,
    compute,
    office_limits,
    traffic_light,
    trend,
)

TZ = ZoneInfo("Asia/Shanghai")
CAL = standard_calendar()
WEEK = period_containing("week", date(2026, 11, 26))
TODAY = date(2026, 12, 1)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time().replace(hour=hour), tzinfo=TZ)


def d(day: str) -> date:
    return date.fromisoformat(day)


def snap(
    number: str, dept: str, created: str, orig: str | None, cur: str | None, **kw: object
) -> ItemSnapshot:
    completed = kw.pop("completed", None)
    state = kw.pop("state", "completed" if completed else "in_progress")
    returned = tuple(at(str(day)) for day in kw.pop("returned", ()))  # type: ignore[attr-defined]
    if returned:
        kw.setdefault("return_count", len(returned))
    return ItemSnapshot(
        number=number,
        title=f"title {number}",
        department=dept,
        state=str(state),
        original_due=d(orig) if orig else None,
        current_due=d(cur) if cur else None,
        created_at=at(created),
        completed_at=at(str(completed)) if completed else None,
        returned_at=returned,
        **kw,  # type: ignore[arg-type]
    )


ITEMS = [
    # A: carried over, completed a day early.
    snap("A", "office", "2026-11-10", "2026-11-25", "2026-11-25", completed="2026-11-24", urge_round=1),
    # B: new, extended from 24 to 26 November and still completed late on the 27th.
    snap("B", "office", "2026-11-23", "2026-11-24", "2026-11-26", completed="2026-11-27", urge_round=2),
    # C: extended out of the period's original deadline, completed on the new day after one return.
    snap(
        "C",
        "reform",
        "2026-11-02",
        "2026-11-20",
        "2026-11-27",
        completed="2026-11-27",
        returned=("2026-11-25",),
        urge_round=3,
    ),
    # D: confidential, new, open and at risk.
    snap("D", "reform", "2026-11-25", "2026-12-10", "2026-12-10", confidential=True, health="at_risk"),
    # E: overdue since the 20th, escalated, a written notice unanswered.
    snap(
        "E",
        "office",
        "2026-10-20",
        "2026-11-20",
        "2026-11-20",
        urge_round=4,
        escalated_at=at("2026-11-24"),
        unanswered_notice=True,
    ),
    # F: an FYI transfer without a department or deadline.
    snap("F", NO_DEPARTMENT, "2026-11-24", None, None, state="issued"),
    # G: finished before the period: not part of it.
    snap("G", "office", "2026-11-01", "2026-11-16", "2026-11-16", completed="2026-11-15"),
    # H: created after the period: not part of it.
    snap("H", "reform", "2026-11-30", "2026-12-20", "2026-12-20"),
    # I: returned twice and blocked.
    snap(
        "I",
        "reform",
        "2026-11-16",
        "2026-11-30",
        "2026-11-30",
        returned=("2026-11-24", "2026-11-26"),
        health="blocked",
    ),
    # J: due on Tuesday 1 December: two working days left.
    snap("J", "office", "2026-11-18", "2026-12-01", "2026-12-01"),
]


@pytest.fixture(scope="module")
def stats():  # type: ignore[no-untyped-def]
    return compute(ITEMS, WEEK, today=TODAY, tz=TZ, calendar=CAL)


def test_periods_and_keys() -> None:
    assert (WEEK.start, WEEK.end, WEEK.key) == (d("2026-11-23"), d("2026-11-29"), "2026-W48")
    assert period_containing("month", d("2026-02-14")) == Period(
        PeriodKind.MONTH, d("2026-02-01"), d("2026-02-28")
    )
    assert period_containing("quarter", d("2026-11-26")).key == "2026-Q4"
    assert period_containing("quarter", d("2027-01-05")).previous().key == "2026-Q4"
    assert period_containing("year", d("2027-03-01")).previous().key == "2026"
    assert period_containing("week", d("2027-01-01")).key == "2026-W53"
    assert period_containing("month", d("2026-12-31")).next().key == "2027-01"


def test_headline_figures(stats) -> None:  # type: ignore[no-untyped-def]
    total = stats.total
    assert stats.as_of == d("2026-11-29")
    assert (total.active, total.new, total.carried_over) == (8, 3, 5)
    assert (total.completed, total.completed_on_time, total.completed_late) == (3, 2, 1)
    assert (total.open, total.overdue, total.overdue_days, total.max_overdue_days) == (5, 1, 9, 9)
    assert (total.returns, total.escalated, total.score) == (3, 1, -5)
    assert total.average_urge_rounds == pytest.approx(10 / 8)
    assert total.completion_rate == pytest.approx(3 / 8)


def test_on_time_rate_against_current_and_original_deadline(stats) -> None:  # type: ignore[no-untyped-def]
    total = stats.total
    # Judged: the completions A (on time), B (late), C (on time) and E, open past its deadline.
    assert (total.due_current, total.due_current_on_time) == (4, 2)
    assert total.on_time_rate == pytest.approx(2 / 4)
    # Against the original deadlines only A was on time; the extensions of B and C do not hide it.
    assert (total.due_original, total.due_original_on_time) == (4, 1)
    assert total.on_time_rate_original == pytest.approx(1 / 4)


def test_five_way_split_keeps_new_and_carried_over_apart(stats) -> None:  # type: ignore[no-untyped-def]
    assert stats.total.split_new == {
        Split.ON_TIME: 0,
        Split.LATE: 1,
        Split.OPEN_NOT_DUE: 1,
        Split.OPEN_OVERDUE: 0,
        Split.NO_DEADLINE: 1,
    }
    assert stats.total.split_carried == {
        Split.ON_TIME: 2,
        Split.LATE: 0,
        Split.OPEN_NOT_DUE: 2,
        Split.OPEN_OVERDUE: 1,
        Split.NO_DEADLINE: 0,
    }
    assert sum(stats.total.split(s) for s in Split) == stats.total.active


def test_departments(stats) -> None:  # type: ignore[no-untyped-def]
    assert list(stats.departments) == ["office", "reform", NO_DEPARTMENT]
    office, reform, none = (stats.departments[k] for k in ("office", "reform", NO_DEPARTMENT))
    assert (office.active, office.completed, office.completed_on_time, office.completed_late) == (4, 2, 1, 1)
    assert (office.overdue, office.overdue_days, office.score, office.urge_rounds) == (1, 9, 0, 7)
    assert (office.due_current, office.due_current_on_time) == (3, 1)
    assert (reform.active, reform.completed, reform.returns, reform.score) == (3, 1, 3, -5)
    assert reform.on_time_rate == 1.0 and reform.on_time_rate_original == 0.0
    assert (none.active, none.split(Split.NO_DEADLINE), none.on_time_rate) == (1, 1, None)


def test_traffic_lights_most_urgent_first(stats) -> None:  # type: ignore[no-untyped-def]
    assert [(o.item.number, o.light) for o in stats.open_items] == [
        ("E", Light.RED),
        ("I", Light.RED),
        ("J", Light.YELLOW),
        ("D", Light.YELLOW),
        ("F", Light.GREEN),
    ]
    assert stats.total.lights == {Light.RED: 2, Light.YELLOW: 2, Light.GREEN: 1}
    by_number = {o.item.number: o for o in stats.open_items}
    assert by_number["E"].overdue_days == 9
    assert by_number["J"].workdays_left == 2  # Monday 30 Nov and Tuesday 1 Dec
    assert by_number["D"].workdays_left == 9  # 30 Nov, 1–4 and 7–10 Dec


def test_traffic_light_thresholds() -> None:
    item = snap("X", "office", "2026-11-02", "2026-12-04", "2026-12-04")
    assert traffic_light(item, d("2026-11-27"), CAL, 2)[0] is Light.GREEN  # 5 working days left
    assert traffic_light(item, d("2026-12-02"), CAL, 2) == (Light.YELLOW, 2)
    assert traffic_light(item, d("2026-12-05"), CAL, 2) == (Light.RED, None)


def test_praise_criticism_and_escalations(stats) -> None:  # type: ignore[no-untyped-def]
    assert [(m.item.number, m.reasons, m.days_early) for m in stats.praise] == [("A", ("early",), 1)]
    assert [(m.item.number, m.reasons) for m in stats.criticism] == [
        ("E", ("overdue", "unanswered_notice")),
        ("I", ("returns",)),
    ]
    assert [i.number for i in stats.escalated] == ["E"]
    assert any(o.item.confidential for o in stats.open_items)  # counted: redaction is the renderer's job


def test_configurable_score_and_thresholds() -> None:
    config = StatsConfig(score_on_time=3, score_late=-2, score_return=0, criticism_overdue_days=10)
    stats = compute(ITEMS, WEEK, today=TODAY, tz=TZ, calendar=CAL, config=config)
    assert stats.total.score == 3 * 2 - 2 * 1
    assert [m.reasons for m in stats.criticism] == [("unanswered_notice",), ("returns",)]


def test_running_period_is_judged_as_of_today() -> None:
    stats = compute(ITEMS, WEEK, today=d("2026-11-25"), tz=TZ, calendar=CAL)
    assert stats.as_of == d("2026-11-25")
    # On Wednesday the 25th only A is finished; B's and C's deadlines have not come yet.
    assert stats.total.completed == 1  # only A (24th)
    # Judged: A (completed) and E (open since the 20th); B's and C's deadlines have not come yet.
    assert stats.total.due_current == 2


def test_trend_ends_with_the_period() -> None:
    points = trend(ITEMS, WEEK, count=3, today=TODAY, tz=TZ, calendar=CAL)
    assert [p.period.key for p in points] == ["2026-W46", "2026-W47", "2026-W48"]
    assert points[-1].completed == 3 and points[-1].on_time_rate == pytest.approx(2 / 4)
    assert points[0].completed == 1  # G, on the 15th


def test_office_time_limits() -> None:
    timelines = [
        # Registered Monday, issued Thursday: later than two working days.
        OfficeTimeline(at("2026-11-23"), at("2026-11-26"), ((at("2026-11-25"), at("2026-11-27")),)),
        # Issued at once; report on Thursday reviewed the same day.
        OfficeTimeline(at("2026-11-24"), at("2026-11-24"), ((at("2026-11-26"), at("2026-11-26")),)),
        # Registered before the week; a report on Tuesday still waits; one on Friday is within the limit.
        OfficeTimeline(
            at("2026-11-10"), at("2026-11-10"), ((at("2026-11-24"), None), (at("2026-11-27"), None))
        ),
    ]
    limits = office_limits(timelines, WEEK, today=TODAY, tz=TZ, calendar=CAL)
    assert (limits.registered, limits.issued_checked, limits.issued_late) == (2, 2, 1)
    assert (limits.reviews_checked, limits.reviews_late, limits.reviews_waiting_late) == (2, 1, 1)
    assert limits.issue_rate == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("kind", "now", "expected"),
    [
        ("week", "2026-11-30 08:59", "2026-W47"),  # Monday before 09:00: last week's is not due yet
        ("week", "2026-11-30 09:00", "2026-W48"),
        ("week", "2026-12-03 15:00", "2026-W48"),  # days later (downtime): still only the latest
        ("month", "2026-12-01 09:00", "2026-11"),  # Tuesday 1 December is the first working day
        ("month", "2026-11-30 12:00", "2026-10"),
        ("month", "2026-10-07 12:00", "2026-08"),  # National Day holidays: September's waits
        ("month", "2026-10-08 09:30", "2026-09"),  # until Thursday 8 October, the first working day
        ("quarter", "2026-10-09 09:00", "2026-Q3"),
        ("year", "2026-06-01 09:00", "2025"),
    ],
)
def test_due_period(kind: str, now: str, expected: str) -> None:
    local = datetime.fromisoformat(now).replace(tzinfo=TZ)
    assert due_period(kind, local, CAL, time(9)).key == expected


# -- the reviewer's findings ----------------------------------------------------------------------


def test_completion_rate_counts_finished_items_without_a_deadline() -> None:
    items = [
        snap("P", "office", "2026-11-23", "2026-11-25", "2026-11-25", completed="2026-11-24"),
        # A closed FYI transfer (转办单): finished, but it has no deadline.
        snap("Q", "office", "2026-11-23", None, None, state="closed", completed="2026-11-25"),
        snap("R", "office", "2026-11-23", "2026-12-10", "2026-12-10"),
    ]
    total = compute(items, WEEK, today=TODAY, tz=TZ, calendar=CAL).total
    assert total.completion_rate == pytest.approx(2 / 3)  # P and Q of P, Q, R
    assert (total.active, total.finished, total.completed) == (3, 2, 2)
    assert total.split(Split.NO_DEADLINE) == 1


def test_items_finished_before_the_period_are_judged_in_the_period_they_finished() -> None:
    items = [
        # K: due Wednesday the 25th, finished the week before: judged last week, not here.
        snap("K", "office", "2026-11-10", "2026-11-25", "2026-11-25", completed="2026-11-20"),
        # L: originally due the 24th, extended to 30 November, finished on the 21st: last week's.
        snap("L", "office", "2026-11-10", "2026-11-24", "2026-11-30", completed="2026-11-21"),
        # M: due the 26th, completed late on the 27th.
        snap("M", "office", "2026-11-10", "2026-11-26", "2026-11-26", completed="2026-11-27"),
        # N: due and finished before the week: no part of it at all.
        snap("N", "reform", "2026-11-02", "2026-11-16", "2026-11-16", completed="2026-11-15"),
    ]
    stats = compute(items, WEEK, today=TODAY, tz=TZ, calendar=CAL)
    total = stats.total
    # Only M is judged this week, and it was late: a week without an on-time completion never
    # shows an on-time rate borrowed from items finished before it.
    assert (total.due_current, total.due_current_on_time) == (1, 0)
    assert total.on_time_rate == 0.0
    assert (total.due_original, total.due_original_on_time) == (1, 0)
    assert (total.active, total.completed, total.completed_late) == (1, 1, 1)
    assert list(stats.departments) == ["office"]
    last_week = compute(items, WEEK.previous(), today=TODAY, tz=TZ, calendar=CAL).total
    assert (last_week.completed, last_week.completed_on_time, last_week.on_time_rate) == (2, 2, 1.0)


def test_returns_and_score_count_each_return_in_the_period_it_happened() -> None:
    # Returned on Wednesday 18 November (week 47) and on Wednesday 25 November (week 48); still open.
    item = snap(
        "R", "office", "2026-11-02", "2026-12-31", "2026-12-31", returned=("2026-11-18", "2026-11-25")
    )
    assert item.return_count == 2
    by_week = {
        key: compute([item], period_containing("week", d(day)), today=TODAY, tz=TZ, calendar=CAL).total
        for key, day in (("W46", "2026-11-11"), ("W47", "2026-11-18"), ("W48", "2026-11-25"))
    }
    assert [(f.returns, f.score) for f in by_week.values()] == [(0, 0), (1, -2), (1, -2)]
    # The month holds both returns, once each.
    month = compute([item], period_containing("month", d("2026-11-25")), today=TODAY, tz=TZ, calendar=CAL)
    assert (month.total.returns, month.total.score) == (2, -4)
    # Criticism for repeated returns still looks at the item's whole life.
    assert [m.reasons for m in month.criticism] == [("returns",)]


def test_rejected_proposals_are_not_counted_anywhere() -> None:
    rejected = snap("X", "office", "2026-11-24", "2026-11-27", "2026-11-27", state="rejected")
    with_it = compute([*ITEMS, rejected], WEEK, today=TODAY, tz=TZ, calendar=CAL)
    without = compute(ITEMS, WEEK, today=TODAY, tz=TZ, calendar=CAL)
    assert with_it.total == without.total and with_it.departments == without.departments
    assert "X" not in [o.item.number for o in with_it.open_items]


def test_score_weights_and_thresholds_come_from_the_settings() -> None:
    from bot.services.bulletins import stats_config
    from bot.settings import SettingsError, load_settings

    assert stats_config(load_settings({}, dotenv=False)) == StatsConfig()
    settings = load_settings(
        {
            "DUBAN_SCORE_ON_TIME": "2",
            "DUBAN_SCORE_LATE": "0",
            "DUBAN_SCORE_RETURN": "-5",
            "DUBAN_YELLOW_WORKDAYS": "10",
            "DUBAN_CRITICISE_OVERDUE_DAYS": "20",
        },
        dotenv=False,
    )
    config = stats_config(settings)
    assert (config.score_on_time, config.score_late, config.score_return) == (2, 0, -5)
    assert (config.yellow_workdays, config.criticism_overdue_days) == (10, 20)
    stats = compute(ITEMS, WEEK, today=TODAY, tz=TZ, calendar=CAL, config=config)
    # Two on time (A, C), one late (B), three returns in the week (C once, I twice).
    assert stats.total.score == 2 * 2 + 0 * 1 - 5 * 3  # the defaults give -5
    assert stats.total.lights[Light.GREEN] == 1  # D (9 working days left) turns yellow at 10
    assert "overdue" not in [r for m in stats.criticism for r in m.reasons]  # E is 9 days over
    for name, raw in (("DUBAN_SCORE_RETURN", "lots"), ("DUBAN_YELLOW_WORKDAYS", "-1")):
        with pytest.raises(SettingsError, match=name):
            load_settings({name: raw}, dotenv=False)


def test_office_proposes_handling_within_one_working_day() -> None:
    timelines = [
        # Proposed to the leader the next working day: in time.
        OfficeTimeline(at("2026-11-23"), at("2026-11-25"), (), proposed_at=at("2026-11-24")),
        # Proposed only on Thursday for a Monday registration: late.
        OfficeTimeline(at("2026-11-23"), None, (), proposed_at=at("2026-11-26")),
        # Issued straight away (no proposal step): the handling was decided the same day.
        OfficeTimeline(at("2026-11-24"), at("2026-11-24"), ()),
        # Nothing yet, two working days later: late.
        OfficeTimeline(at("2026-11-24"), None, ()),
    ]
    limits = office_limits(timelines, WEEK, today=TODAY, tz=TZ, calendar=CAL)
    assert (limits.proposed_checked, limits.proposed_late) == (4, 2)
