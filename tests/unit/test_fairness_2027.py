"""Issue 12's counting rules (docs/bulletins.md, 统计口径) on the Spring Festival of the coming year, 2027.

2027 has no published schedule yet (``chinese_calendar`` stops at 2026), so each test runs on two
calendars: the one the bot computes today (``holidays``: New Year's Eve Friday 5 February to Wednesday
10 February off, no make-up days; provisional) and the schedule an admin enters once the State Council
publishes it (here, as in tests/e2e/test_calendar.py: 6–13 February off, Saturday 20 February worked).

Weeks: W05 is Monday 1 – Sunday 7 February 2027, W06 the festival week 8–14 February.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar_sources import standard_calendar
from bot.domain.calendar import WorkCalendar
from bot.domain.fairness import due_from_issue
from bot.domain.figures import BulletinStats, ItemSnapshot, Light
from bot.domain.lifecycle import State
from bot.domain.periods import due_periods, may_post, period_containing, posting_day
from bot.domain.statistics import compute

TZ = ZoneInfo("Asia/Shanghai")
NINE, SIX = time(9), time(18)
COMPUTED = standard_calendar().with_guessing()
ENTERED = standard_calendar(
    {**{date(2027, 2, d): False for d in range(6, 14)}, date(2027, 2, 20): True}, {2027}
)
W05 = period_containing("week", date(2027, 2, 1))
W06 = period_containing("week", date(2027, 2, 8))
# The first working day after the festival: W05's bulletin (and W06's, when the whole week is off) goes out.
AFTER = {"computed": date(2027, 2, 11), "entered": date(2027, 2, 15)}


@pytest.fixture(params=["computed", "entered"])
def calendar_name(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


def calendar_of(name: str) -> WorkCalendar:
    return (COMPUTED if name == "computed" else ENTERED).with_guessing()


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def feb(day: int) -> date:
    return date(2027, 2, day)


def snap(number: str, due: date | None, **kw: object) -> ItemSnapshot:
    base: dict[str, object] = dict(
        number=number,
        title=f"title {number}",
        department="office",
        state=State.IN_PROGRESS,
        original_due=due,
        current_due=due,
        created_at=at(date(2027, 1, 11)),
        issued_at=at(date(2027, 1, 11)),
    )
    base.update(kw)
    return ItemSnapshot(**base)  # type: ignore[arg-type]


def figures(items: list[ItemSnapshot], period: object, today: date, calendar: WorkCalendar) -> BulletinStats:
    return compute(items, period, today=today, tz=TZ, calendar=calendar)  # type: ignore[arg-type]


def criticised(stats: BulletinStats) -> dict[str, tuple[str, ...]]:
    return {m.item.number: m.reasons for m in stats.criticism}


def test_2027_is_computed_and_provisional_until_an_admin_enters_it() -> None:
    # What the bot knows today: the festival by rule, no 调休, and the year marked provisional.
    assert COMPUTED.is_provisional(feb(8)) and not ENTERED.is_provisional(feb(8))
    assert [d.day for d in COMPUTED.year_days(2027) if feb(1) <= d.day <= feb(28)] == [
        feb(n) for n in range(5, 11)
    ]
    assert not COMPUTED.is_workday(feb(5)) and COMPUTED.is_workday(feb(11))
    assert ENTERED.is_workday(feb(5)) and not ENTERED.is_workday(feb(12)) and ENTERED.is_workday(feb(20))


def test_the_festival_weeks_bulletins_go_out_on_the_first_working_day_after_it(calendar_name: str) -> None:
    calendar, first = calendar_of(calendar_name), AFTER[calendar_name]
    assert posting_day(W06, calendar) == first
    for day in range(8, first.day):  # nothing is posted during the holidays
        assert not may_post(at(feb(day)), calendar, NINE, SIX)
    assert not may_post(datetime.combine(first, time(8, 59), TZ), calendar, NINE, SIX)
    due = [p.key for p in due_periods("week", datetime.combine(first, NINE, TZ), calendar, NINE)]
    # A whole week off (the entered schedule): the week before it and the holiday week go out together.
    assert due == (["2027-W05"] if calendar_name == "computed" else ["2027-W05", "2027-W06"])
    assert may_post(at(feb(20)), calendar, NINE, SIX) is (calendar_name == "entered")  # 调休 Saturday


def test_the_week_before_the_festival_is_judged_fairly_in_the_bulletin_after_it(calendar_name: str) -> None:
    calendar, today = calendar_of(calendar_name), AFTER[calendar_name]
    items = [
        # Rule 1: waiting for approval, withdrawn, merely registered — past due and urged, yet not counted.
        snap("P", feb(2), state=State.PENDING_APPROVAL, unanswered_notice=True, return_count=3),
        snap("X", feb(2), state=State.WITHDRAWN, notices=((at(feb(3)), None),)),
        snap("G", feb(2), state=State.REGISTERED),
        # Rule 3: reported on its deadline day (Thursday), approved by the office on the holiday Friday.
        snap(
            "F",
            feb(4),
            state=State.COMPLETED,
            final_reported_at=at(feb(4), 17),
            completed_at=at(feb(5), 11),
        ),
        # Reported a day late.
        snap("L", feb(2), state=State.COMPLETED, final_reported_at=at(feb(3)), completed_at=at(feb(3), 15)),
        # Rule 5: a written notice sent on the first working morning after the festival is not this week's.
        snap("N", feb(5), notices=((at(today, 10), None),)),
        # ... one sent on Wednesday 3 February and never answered is.
        snap("U", feb(3), notices=((at(feb(3), 15), None),)),
        # Rule 2: registered before the festival, issued after it: not the unit's in W05 at all.
        snap("I", feb(4), created_at=at(feb(4)), issued_at=at(today, 9)),
    ]
    stats = figures(items, W05, today, calendar)
    numbers = {o.item.number for o in stats.open_items} | {m.item.number for m in stats.praise}
    assert not numbers & {"P", "X", "G", "I"}
    assert not set(criticised(stats)) & {"P", "X", "G", "I"}
    total = stats.total
    assert (total.active, total.completed, total.completed_on_time, total.completed_late) == (4, 2, 1, 1)
    # Judged: F and L completed, N and U past their deadline by Sunday 7 February.
    assert (total.due_current, total.due_current_on_time) == (4, 1)
    assert (total.overdue, total.overdue_days) == (2, 6)  # calendar days to the cut-off: 2 + 4
    assert [m.item.number for m in stats.praise] == ["F"]
    # U: 4 days overdue at the cut-off (> 3) and its notice unanswered; N: 2 days, its notice came later.
    assert criticised(stats) == {"U": ("overdue", "unanswered_notice")}


def test_a_report_filed_on_time_is_not_failed_while_the_office_reviews_it_over_the_festival(
    calendar_name: str,
) -> None:
    """Rule 3: the unit's final report on the deadline day is on time; the office's review time, here the
    whole festival, is the office's own time limit and never makes the unit overdue or criticised."""
    calendar, today = calendar_of(calendar_name), AFTER[calendar_name]
    waiting = snap("R", feb(4), state=State.UNDER_REVIEW, final_reported_at=at(feb(4), 16))
    for period in (W05, W06):
        stats = figures([waiting], period, today, calendar)
        assert stats.total.overdue == 0 and stats.criticism == [], (period.key, stats.total)
        assert stats.total.due_current_on_time == stats.total.due_current, period.key
    # Once approved, it is judged on time in the week the approval fell in.
    done = snap(
        "R",
        feb(4),
        state=State.COMPLETED,
        final_reported_at=at(feb(4), 16),
        completed_at=at(today, 10),
    )
    after = figures([done], period_containing("week", today), today + timedelta(days=7), calendar)
    assert (after.total.completed_on_time, after.total.on_time_rate) == (1, 1.0)


def test_a_deadline_set_before_approval_runs_from_issue_across_the_festival(calendar_name: str) -> None:
    """Rule 2: registered Thursday 4 February with a deadline on Friday 19 February, issued on the first
    working day after the festival; the days off are not working days the unit loses."""
    calendar, issued = calendar_of(calendar_name), AFTER[calendar_name]
    moved = due_from_issue(feb(19), feb(4), issued, calendar)
    if calendar_name == "computed":
        assert calendar.workdays_between(feb(4), issued) == 1  # only the 11th: the 5th–10th are off
        assert moved == feb(22)
    else:
        assert calendar.workdays_between(feb(4), issued) == 2  # the 5th and the 15th
        assert moved == feb(22)  # Friday 19th + the make-up Saturday 20th + Monday 22nd
        assert due_from_issue(feb(18), feb(4), issued, calendar) == feb(20)
    # Not in the figures of the weeks it waited; new in the week it was issued.
    item = snap("I", moved, created_at=at(feb(4)), issued_at=at(issued, 9))
    for week in (W05, W06):
        if not week.contains(issued):
            assert figures([item], week, issued, calendar).total.active == 0, week.key
    assert figures([item], period_containing("week", issued), issued, calendar).total.new == 1


def test_due_today_and_working_days_left_count_the_festival_as_days_off(calendar_name: str) -> None:
    calendar = calendar_of(calendar_name)
    # Rule 4: previewed on Thursday 4 February, an item due that day is not failed.
    today_item = snap("T", feb(4))
    preview = figures([today_item], W05, feb(4), calendar).total
    assert (preview.due_current, preview.overdue, preview.on_time_rate) == (0, 0, None)  # rule 7: "—"
    # Due on the first working day after the festival, a week away: the days off give no time, so the
    # light is already yellow (<= 2 working days left), as it would not be on Monday-to-Friday days.
    after = snap("A", AFTER[calendar_name])
    [shown] = figures([after], W05, feb(4), calendar).open_items
    assert shown.workdays_left == (1 if calendar_name == "computed" else 2)  # the 11th; the 5th and 15th
    assert shown.light is Light.YELLOW
