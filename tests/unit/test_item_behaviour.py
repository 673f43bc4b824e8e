"""Behaviour on the item: each change goes through the transition table and returns its dossier events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.errors import DomainError, IllegalTransition
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, SourceKind
from bot.domain.lifecycle import State

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
DUE = date(2026, 12, 18)


def make_item(state: State, *, fyi: bool = False, owners: tuple[str, ...] = ("U2", "U3")) -> Item:
    return Item(
        id=1,
        number=ItemNumber(2026, 7),
        title="t",
        requirements="do it",
        source=SourceKind.MEETING_DECISION,
        state=state,
        assigner_id="U1",
        owners=[Owner(u, OwnerRole.LEAD if i == 0 else OwnerRole.CO) for i, u in enumerate(owners)],
        original_due=DUE,
        current_due=DUE,
        created_at=NOW - timedelta(days=10),
        fyi=fyi,
    )


def kinds(events: list[ItemEvent]) -> list[EventKind]:
    return [e.kind for e in events]


def moved(events: list[ItemEvent]) -> tuple[str, str]:
    [change] = [e for e in events if e.kind is EventKind.STATE_CHANGED]
    return change.payload["old"], change.payload["new"]


# -- acknowledge --------------------------------------------------------------------------------------


def test_the_first_acknowledgement_starts_the_work_and_says_so() -> None:
    item = make_item(State.ISSUED)
    events = item.acknowledge("U2", NOW)
    assert item.state is State.IN_PROGRESS and item.owner("U2").acknowledged_at == NOW  # type: ignore[union-attr]
    assert kinds(events) == [EventKind.ACKNOWLEDGED, EventKind.STATE_CHANGED]
    assert moved(events) == ("issued", "in_progress") and events[0].actor_id == "U2"


def test_a_second_owner_acknowledging_changes_no_state_and_a_repeat_changes_nothing() -> None:
    item = make_item(State.ISSUED)
    item.acknowledge("U2", NOW)
    assert kinds(item.acknowledge("U3", NOW)) == [EventKind.ACKNOWLEDGED]
    assert item.acknowledge("U3", NOW + timedelta(hours=1)) == []
    assert item.owner("U3").acknowledged_at == NOW  # type: ignore[union-attr]


def test_the_last_fyi_acknowledgement_closes_the_transfer() -> None:
    item = make_item(State.ISSUED, fyi=True)
    item.acknowledge("U2", NOW)
    assert item.state is State.ACKNOWLEDGED and item.completed_at is None
    events = item.acknowledge("U3", NOW)
    assert item.state is State.CLOSED and item.completed_at == NOW
    assert moved(events) == ("acknowledged", "closed")


def test_only_an_owner_acknowledges() -> None:
    with pytest.raises(DomainError) as refused:
        make_item(State.ISSUED).acknowledge("U9", NOW)
    assert refused.value.code == "not_owner"


# -- reports -----------------------------------------------------------------------------------------


def test_the_leads_final_report_waits_for_review_by_the_given_day() -> None:
    item = make_item(State.IN_PROGRESS)
    events = item.report("U2", NOW, final=True, lead=True, percent=100, health="on_track", review_due=DUE)
    assert item.state is State.REPORTED and item.review_due == DUE and item.reported_at == NOW
    assert (item.percent_done, item.health) == (100, "on_track")
    assert moved(events) == ("in_progress", "reported")


def test_a_co_owners_final_part_changes_neither_state_nor_figures() -> None:
    item = make_item(State.IN_PROGRESS)
    events = item.report("U3", NOW, final=True, lead=False, percent=100, health="blocked")
    assert events == [] and item.state is State.IN_PROGRESS
    assert item.percent_done is None and item.health is None and item.reported_at == NOW


def test_progress_after_a_return_resumes_the_work() -> None:
    item = make_item(State.RETURNED)
    events = item.report("U2", NOW, final=False, lead=True, percent=40, health="at_risk")
    assert moved(events) == ("returned", "in_progress") and item.review_due is None


# -- review ------------------------------------------------------------------------------------------


def test_review_start_approve_completes_the_item() -> None:
    item = make_item(State.REPORTED)
    item.review_due = DUE
    assert moved(item.start_review("U5", NOW)) == ("reported", "under_review")
    events = item.approve("U5", NOW, review_id=3)
    assert kinds(events) == [EventKind.COMPLETED, EventKind.STATE_CHANGED]
    assert events[0].payload == {"review_id": 3}
    assert item.state is State.COMPLETED and item.completed_at == NOW and item.percent_done == 100
    assert item.review_due is None


def test_a_return_for_redo_counts_moves_the_current_deadline_only_and_replans_urging() -> None:
    item = make_item(State.UNDER_REVIEW)
    new_due = date(2027, 1, 8)
    events = item.return_for_redo("U5", NOW, new_due=new_due, review_id=4, reasons="thin")
    assert item.state is State.RETURNED and item.return_count == 1
    assert (item.original_due, item.current_due, item.next_urge_at) == (DUE, new_due, NOW)
    assert events[0].kind is EventKind.RETURNED
    assert events[0].payload == {"review_id": 4, "reasons": "thin", "new_due": "2027-01-08", "count": 1}
    assert moved(events) == ("under_review", "returned")


def test_an_item_still_in_progress_cannot_be_approved() -> None:
    item = make_item(State.IN_PROGRESS)
    with pytest.raises(IllegalTransition):
        item.approve("U5", NOW, review_id=1)
    assert item.state is State.IN_PROGRESS and item.completed_at is None


# -- instructions, proposals, extensions --------------------------------------------------------------


def test_an_instruction_reopens_a_completed_item() -> None:
    item = make_item(State.COMPLETED)
    item.completed_at = NOW - timedelta(days=1)
    events = item.instruct("U0", NOW, text="more", requirements="do it\n\nmore", new_due=date(2027, 2, 1))
    assert item.state is State.IN_PROGRESS and item.completed_at is None
    assert item.requirements == "do it\n\nmore" and item.current_due == date(2027, 2, 1)
    assert events[0].payload == {"text": "more", "new_due": "2027-02-01", "reopened": True}
    assert moved(events) == ("completed", "in_progress")


def test_an_instruction_on_open_work_keeps_its_state() -> None:
    item = make_item(State.IN_PROGRESS)
    events = item.instruct("U0", NOW, text="faster", requirements="do it faster", new_due=None)
    assert kinds(events) == [EventKind.INSTRUCTED] and events[0].payload["reopened"] is False
    assert item.current_due == DUE and item.next_urge_at == NOW


def test_an_approved_proposal_is_issued_to_its_owners_and_a_refused_one_ends() -> None:
    item = make_item(State.PENDING_APPROVAL)
    events = item.decide_proposal("U0", NOW, approve=True, due=date(2027, 1, 4))
    assert kinds(events) == [EventKind.STATE_CHANGED, EventKind.ISSUED]
    assert events[1].payload == {"owners": ["U2", "U3"]}
    assert item.state is State.ISSUED and item.current_due == date(2027, 1, 4) and item.approver_id == "U0"
    refused = make_item(State.PENDING_APPROVAL)
    assert moved(refused.decide_proposal("U0", NOW, approve=False)) == ("pending_approval", "rejected")
    assert refused.next_urge_at is None


def test_an_extension_moves_the_current_deadline_when_approved_and_replans_either_way() -> None:
    item = make_item(State.IN_PROGRESS)
    later = date(2027, 1, 15)
    events = item.extend("U5", NOW, request_id=9, requested_due=later, approved=True, note="ok")
    assert (item.original_due, item.current_due, item.next_urge_at) == (DUE, later, NOW)
    assert events[0].payload == {
        "request": 9,
        "approved": True,
        "from": "2026-12-18",
        "to": "2027-01-15",
        "note": "ok",
    }
    refused = make_item(State.IN_PROGRESS)
    refused.extend("U5", NOW, request_id=10, requested_due=later, approved=False, note="no")
    assert refused.current_due == DUE and refused.next_urge_at == NOW


def test_a_finished_item_gets_no_extension() -> None:
    with pytest.raises(DomainError) as refused:
        make_item(State.COMPLETED).extend("U5", NOW, request_id=1, requested_due=DUE, approved=True, note="")
    assert refused.value.code == "not_urgeable"


# -- withdraw, archive --------------------------------------------------------------------------------


def test_withdrawing_stops_urging_and_records_the_reason_first() -> None:
    item = make_item(State.IN_PROGRESS)
    item.next_urge_at = NOW
    events = item.withdraw("U1", NOW, reason="duplicate")
    assert item.state is State.WITHDRAWN and item.next_urge_at is None
    assert kinds(events) == [EventKind.WITHDRAWN, EventKind.STATE_CHANGED]
    assert events[0].payload == {"reason": "duplicate"}


def test_a_completed_item_cannot_be_withdrawn() -> None:
    with pytest.raises(IllegalTransition):
        make_item(State.COMPLETED).withdraw("U1", NOW, reason="late")


def test_archiving_closes_the_dossier_after_the_state_change() -> None:
    item = make_item(State.COMPLETED)
    events = item.archive("U5", NOW)
    assert kinds(events) == [EventKind.STATE_CHANGED, EventKind.ARCHIVED]
    assert item.state is State.ARCHIVED and item.archived_at == NOW


# -- urging bookkeeping -------------------------------------------------------------------------------


def test_the_ladder_sets_the_stage_and_a_person_keeps_it() -> None:
    item = make_item(State.IN_PROGRESS)
    item.urged("manual", NOW, by_hand=True)
    assert (item.urge_round, item.urge_stage, item.last_urged_at) == (1, "manual", NOW)
    item.urged("escalation", NOW + timedelta(days=1), escalation=True)
    assert (item.urge_round, item.urge_stage, item.escalated_at) == (2, "escalation", NOW + timedelta(days=1))
    item.urged("manual", NOW + timedelta(days=2), by_hand=True)
    assert item.urge_stage == "escalation" and item.urge_round == 3


def test_a_snooze_holds_the_ladder_and_replans_on_the_next_sweep() -> None:
    item = make_item(State.IN_PROGRESS)
    item.snooze(NOW + timedelta(hours=4), NOW)
    assert item.urge_plan.snoozed_until == NOW + timedelta(hours=4) and item.next_urge_at == NOW
