"""Registering, issuing and proposing an item, and the smaller changes services used to write by hand:
each is behaviour on ``Item`` and returns the dossier events it makes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.errors import IllegalTransition
from bot.domain.events import EventKind
from bot.domain.items import Item, ItemNumber, OwnerRole, SourceKind
from bot.domain.lifecycle import State
from bot.domain.register import RegisterFields

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
DUE = date(2026, 12, 18)


def register(**overrides: object) -> tuple[Item, list]:
    values: dict = {
        "number": ItemNumber(2026, 12),
        "title": "Fix the roads",
        "requirements": "by winter",
        "source": SourceKind.MEETING_DECISION,
        "owner_ids": ["U2", "U3"],
        "due": DUE,
    }
    values.update(overrides)
    return Item.register("U1", NOW, **values)


def test_registering_makes_a_registered_item_led_by_the_first_owner_and_says_so() -> None:
    fields = RegisterFields(received_on=date(2026, 12, 6), doc_number="府办〔2026〕3号", basis="")
    item, events = register(fields=fields, confidential=True)
    assert item.state is State.REGISTERED and item.id is None
    assert item.lead.user_id == "U2" and [o.role for o in item.owners] == [OwnerRole.LEAD, OwnerRole.CO]
    assert item.original_due == item.current_due == DUE and item.assigner_id == "U1"
    assert item.next_urge_at == NOW and item.kind == "regular" and item.received_on == date(2026, 12, 6)
    [event] = events
    assert event.kind is EventKind.REGISTERED and event.actor_id == "U1" and event.at == NOW
    assert event.payload == {
        "number": "DB-2026-0012",
        "title": "Fix the roads",
        "due": "2026-12-18",
        "source": "meeting_decision",
        "confidential": True,
        "fyi": False,
        "urgent": False,
        "received_on": "2026-12-06",
        "doc_number": "府办〔2026〕3号",
    }


def test_an_inspection_item_is_a_rectification() -> None:
    item, _ = register(source=SourceKind.INSPECTION)
    assert item.kind == "rectification"


def test_issuing_sends_a_registered_item_to_its_owners() -> None:
    item, _ = register()
    events = item.issue("U1", NOW)
    assert item.state is State.ISSUED
    assert [e.kind for e in events] == [EventKind.ISSUED] and events[0].payload == {"owners": ["U2", "U3"]}


def test_an_fyi_item_is_issued_too() -> None:
    item, _ = register(fyi=True)
    item.issue("U1", NOW)
    assert item.state is State.ISSUED


def test_submitting_for_approval_waits_for_a_leader_and_records_the_move() -> None:
    item, _ = register()
    [event] = item.submit_for_approval("U1", NOW)
    assert item.state is State.PENDING_APPROVAL
    assert event.kind is EventKind.STATE_CHANGED
    assert event.payload == {"old": "registered", "new": "pending_approval"}


def test_an_issued_item_cannot_be_issued_or_proposed_again() -> None:
    item, _ = register()
    item.issue("U1", NOW)
    with pytest.raises(IllegalTransition):
        item.issue("U1", NOW)
    with pytest.raises(IllegalTransition):
        item.submit_for_approval("U1", NOW)
    assert item.state is State.ISSUED


def test_an_fyi_item_is_never_proposed() -> None:
    item, _ = register(fyi=True)
    with pytest.raises(IllegalTransition):
        item.submit_for_approval("U1", NOW)


def test_reviewing_a_proposal_keeps_it_pending_with_the_reviewers_deadline() -> None:
    item, _ = register()
    item.submit_for_approval("U1", NOW)
    later = date(2026, 12, 31)
    [event] = item.review_proposal("U9", NOW, due=later)
    assert event.kind is EventKind.PROPOSAL_REVIEWED and event.actor_id == "U9"
    assert item.state is State.PENDING_APPROVAL and item.current_due == later and item.original_due == DUE


def test_only_a_pending_proposal_can_be_reviewed() -> None:
    item, _ = register()
    with pytest.raises(IllegalTransition):
        item.review_proposal("U9", NOW)


def test_the_deadline_from_issue_moves_both_deadlines() -> None:
    item, _ = register()
    item.deadline_from_issue(date(2026, 12, 22))
    assert item.original_due == item.current_due == date(2026, 12, 22)


def test_a_coordination_answers_one_escalation_once() -> None:
    item, _ = register()
    item.issue("U1", NOW)
    item.escalated_at = NOW - timedelta(hours=2)
    [event] = item.coordinate("U7", NOW)
    assert event.kind is EventKind.ESCALATED
    assert event.payload == {"detail": "coordination", "owners": ["U2", "U3"]}
    assert item.coordinate("U8", NOW) == []  # a second click or a second leader
    item.escalated_at = NOW  # a new escalation may be coordinated again
    assert [e.kind for e in item.coordinate("U7", NOW)] == [EventKind.ESCALATED]


def test_silent_owners_urged_again_are_counted_and_health_is_recorded() -> None:
    item, _ = register()
    item.silent_reurged(NOW)
    item.silent_reurged(NOW + timedelta(hours=1))
    assert item.urge_plan.silent_count == 2 and item.urge_plan.silent_at == NOW + timedelta(hours=1)
    item.record_health("at_risk")
    assert item.health == "at_risk"
