"""The typed urging plan: the stored JSON stays as it was, and each change is a new plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.urge_plan import UrgePlan

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)

# A row written by the dict-based code before the plan was typed.
STORED = {
    "due": "2026-12-18",
    "replanned_at": "2026-12-01T02:00:00+00:00",
    "snoozed_until": "2026-12-08T09:30:00+00:00",
    "guessed_years": [2027],
    "silent_at": "2026-12-05T03:00:00+00:00",
    "silent_count": 2,
    "coordination_for": "2026-12-04T01:00:00+00:00",
    "policy": {"kept": True},  # a key this version does not know
}


def test_a_stored_plan_reads_typed_and_writes_back_byte_for_byte() -> None:
    plan = UrgePlan.from_dict(STORED)
    assert plan.due == date(2026, 12, 18)
    assert plan.snoozed_until == datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
    assert plan.guessed_years == (2027,) and plan.silent_count == 2
    assert plan.to_dict() == STORED


def test_an_empty_or_missing_plan_is_the_empty_plan_and_stores_as_an_empty_object() -> None:
    assert UrgePlan.from_dict(None) == UrgePlan.from_dict({}) == UrgePlan()
    assert UrgePlan().to_dict() == {}


def test_the_first_deadline_plans_without_a_replan_and_a_new_one_replans_from_now() -> None:
    first = UrgePlan().for_due(date(2026, 12, 18), NOW)
    assert first.to_dict() == {"due": "2026-12-18"}
    assert first.for_due(date(2026, 12, 18), NOW) is first  # the same deadline changes nothing
    later = NOW + timedelta(days=3)
    moved = first.for_due(date(2027, 1, 8), later)
    assert moved.due == date(2027, 1, 8) and moved.replanned_at == later


def test_a_snooze_alone_makes_the_next_deadline_a_replan() -> None:
    snoozed = UrgePlan().snoozed(NOW)
    assert snoozed.for_due(date(2026, 12, 18), NOW).replanned_at == NOW


def test_guessed_years_accumulate_sorted_without_duplicates() -> None:
    plan = UrgePlan().guessed([2028]).guessed({2027, 2028})
    assert plan.guessed_years == (2027, 2028)


def test_silent_reurges_count_and_set_the_next_allowed_moment() -> None:
    plan = UrgePlan()
    assert plan.silent_reurge_at(timedelta(minutes=30)) is None
    once = plan.silent_reurged(NOW).silent_reurged(NOW + timedelta(hours=1))
    assert once.silent_count == 2
    assert once.silent_reurge_at(timedelta(minutes=30)) == NOW + timedelta(hours=1, minutes=30)


def test_changes_leave_the_original_plan_untouched() -> None:
    plan = UrgePlan.from_dict(STORED)
    plan.coordinated("another")
    plan.snoozed(NOW)
    assert plan.to_dict() == STORED
