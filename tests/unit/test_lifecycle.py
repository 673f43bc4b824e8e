from datetime import UTC, date, datetime

import pytest

from bot.domain import lifecycle
from bot.domain.errors import IllegalTransition
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, SourceKind, is_overdue, overdue_days
from bot.domain.lifecycle import TRANSITIONS, Action, Flow, State


def make_item(state: State = State.REGISTERED, *, fyi: bool = False, due: date = date(2026, 12, 5)) -> Item:
    return Item(
        id=1,
        number=ItemNumber(2026, 1),
        title="t",
        requirements="",
        source=SourceKind.MEETING_DECISION,
        state=state,
        assigner_id="U1",
        owners=[Owner("U2", OwnerRole.LEAD), Owner("U3", OwnerRole.CO)],
        original_due=due,
        current_due=due,
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
        fyi=fyi,
    )


def test_regular_item_walks_the_whole_process() -> None:
    item = make_item()
    for action, expected in [
        (Action.SUBMIT_FOR_APPROVAL, State.PENDING_APPROVAL),
        (Action.APPROVE_PROPOSAL, State.ISSUED),
        (Action.ACKNOWLEDGE, State.IN_PROGRESS),
        (Action.REPORT_PROGRESS, State.IN_PROGRESS),
        (Action.SUBMIT_FINAL, State.REPORTED),
        (Action.START_REVIEW, State.UNDER_REVIEW),
        (Action.RETURN_FOR_REDO, State.RETURNED),
        (Action.SUBMIT_FINAL, State.REPORTED),
        (Action.APPROVE, State.COMPLETED),
        (Action.INSTRUCT, State.IN_PROGRESS),
        (Action.SUBMIT_FINAL, State.REPORTED),
        (Action.APPROVE, State.COMPLETED),
        (Action.ARCHIVE, State.ARCHIVED),
    ]:
        lifecycle.apply(item, action)
        assert item.state == expected.value, action


def test_fyi_item_closes_when_everyone_acknowledged() -> None:
    item = make_item(State.ISSUED, fyi=True)
    lifecycle.apply(item, Action.ACKNOWLEDGE)
    assert item.state is State.ACKNOWLEDGED
    lifecycle.apply(item, Action.ACKNOWLEDGE_ALL)
    assert item.state is State.CLOSED
    assert not lifecycle.is_open(item)


def test_fyi_items_cannot_be_reported() -> None:
    item = make_item(State.ISSUED, fyi=True)
    with pytest.raises(IllegalTransition):
        lifecycle.apply(item, Action.SUBMIT_FINAL)


def test_illegal_transition_says_why_and_leaves_the_item_alone() -> None:
    item = make_item(State.COMPLETED)
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.apply(item, Action.ACKNOWLEDGE)
    assert refused.value.code == "illegal_transition"
    assert refused.value.params == {"number": "DB-2026-0001", "state": "completed", "action": "acknowledge"}
    assert item.state is State.COMPLETED


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.flow}-{t.source}-{t.action}")
def test_every_table_row_is_applied_exactly(transition: lifecycle.Transition) -> None:
    item = make_item(transition.source, fyi=transition.flow is Flow.FYI)
    assert transition.action in lifecycle.allowed_actions(item)
    lifecycle.apply(item, transition.action)
    assert item.state == transition.target.value


def test_every_state_is_reachable_from_registered() -> None:
    for flow in Flow:
        reachable, frontier = {State.REGISTERED}, [State.REGISTERED]
        while frontier:
            state = frontier.pop()
            for t in TRANSITIONS:
                if t.flow is flow and t.source is state and t.target not in reachable:
                    reachable.add(t.target)
                    frontier.append(t.target)
        assert State.ARCHIVED in reachable, flow
    regular = {t.target for t in TRANSITIONS if t.flow is Flow.REGULAR} | {State.REGISTERED}
    assert regular >= set(State) - {State.ACKNOWLEDGED, State.CLOSED}


def test_overdue_is_judged_against_the_current_deadline_and_only_for_open_items() -> None:
    item = make_item(State.IN_PROGRESS, due=date(2026, 12, 5))
    assert not is_overdue(item, date(2026, 12, 5))
    assert is_overdue(item, date(2026, 12, 6))
    assert overdue_days(item, date(2026, 12, 8)) == 3
    item.state = State.COMPLETED
    assert not is_overdue(item, date(2026, 12, 8))


def test_mermaid_diagram_has_every_transition() -> None:
    diagram = lifecycle.mermaid_diagram()
    for t in TRANSITIONS:
        prefix = "fyi_" if t.flow is Flow.FYI else ""
        assert f"{prefix}{t.source.value} --> {prefix}{t.target.value}: {t.action.value}" in diagram
