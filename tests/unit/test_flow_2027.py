"""Issue 12's rules on a clock in the coming year (2027, on the computed calendar): the urging ladder
starts from issue, the follow-through limits (as settings), and the deadline that runs from issue."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.calendar_sources import standard_calendar
from bot.domain.cadence import parse_cadence
from bot.domain.fairness import due_from_issue
from bot.domain.follow_through import (
    FollowThroughPolicy,
    ack_chase_due,
    progress_report_due,
    waiting_too_long,
)
from bot.domain.urging import Rung, UrgePolicy, UrgeSubject, decide

TZ = ZoneInfo("Asia/Shanghai")
CAL = standard_calendar().with_guessing()


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def test_the_ladder_runs_from_issue_after_a_wait_for_approval_in_2027() -> None:
    registered, issued = at(2027, 3, 1), at(2027, 3, 10, 11)  # waited seven working days
    subject = UrgeSubject(issued_at=issued, due=date(2027, 3, 31), cadence=parse_cadence("每天"))
    decision = decide(subject, issued, CAL, UrgePolicy(), "Asia/Shanghai")
    assert decision.send is None  # nothing owed for the days it waited
    assert decision.next_at is not None and decision.next_at.astimezone(TZ) == at(2027, 3, 11, 9)
    # Counted from registration, the same moment owes a catch-up check-in: the rule this guards.
    early = UrgeSubject(issued_at=registered, due=date(2027, 3, 31), cadence=parse_cadence("每天"))
    sent = decide(early, issued, CAL, UrgePolicy(), "Asia/Shanghai").send
    assert sent is not None and sent.rung is Rung.CHECKIN


def test_a_proposal_waiting_over_new_year_2027_is_reminded_after_its_working_day() -> None:
    since = at(2026, 12, 31)  # Thursday; 1 January 2027 is a holiday, then the weekend
    assert not waiting_too_long(since, at(2027, 1, 4), CAL, 1, TZ)  # Monday: one working day
    assert waiting_too_long(since, at(2027, 1, 5), CAL, 1, TZ)  # Tuesday: past the limit
    assert not waiting_too_long(since, at(2027, 1, 5), CAL, 2, TZ)  # DUBAN_DECIDE_WORKDAYS=2
    assert not waiting_too_long(since, at(2027, 3, 1), CAL, 0, TZ)  # 0 turns the reminder off


def test_acknowledgement_and_progress_limits_follow_the_settings_in_2027() -> None:
    issued = at(2027, 1, 4)
    quick, slow = FollowThroughPolicy(ack_workdays=1), FollowThroughPolicy(ack_workdays=3)
    assert ack_chase_due(issued, None, at(2027, 1, 5), CAL, quick, TZ)
    assert not ack_chase_due(issued, None, at(2027, 1, 5), CAL, slow, TZ)
    assert ack_chase_due(issued, None, at(2027, 1, 7), CAL, slow, TZ)
    assert not ack_chase_due(issued, None, at(2027, 1, 9), CAL, slow, TZ)  # Saturday: no chase
    delay = at(2027, 1, 4)
    every_two = FollowThroughPolicy(progress_workdays=2)
    assert not progress_report_due(None, delay, at(2027, 1, 5), CAL, every_two, TZ)
    assert progress_report_due(None, delay, at(2027, 1, 6), CAL, every_two, TZ)
    assert not progress_report_due(None, delay, at(2027, 1, 6), CAL, FollowThroughPolicy(), TZ)


def test_a_deadline_set_before_approval_runs_from_issue_across_the_spring_festival_2027() -> None:
    registered, issued = date(2027, 2, 1), date(2027, 2, 22)
    due = date(2027, 2, 26)
    moved = due_from_issue(due, registered, issued, CAL)
    waited = CAL.workdays_between(registered, issued)
    assert waited < (issued - registered).days  # the festival's days off are not given back
    assert moved == CAL.add_workdays(due, waited) and CAL.is_workday(moved)
