"""拟办呈批 in one or two levels: who may act at each step (bot.domain.approval)."""

from __future__ import annotations

import pytest

from bot.domain.approval import ApprovalStep, Stage, current_step, rejection_reason
from bot.domain.errors import DomainError


def test_one_level_any_leader_decides() -> None:
    step = current_step(1, reviewed=False, unit_leaders=("U0VICE",), principal="U0BOSS")
    assert step == ApprovalStep(Stage.DECISION)
    assert step.may_act("U0OTHERLEADER", is_leader=True) and not step.may_act("U0X", is_leader=False)


def test_two_levels_the_unit_leader_reviews_then_the_principal_decides() -> None:
    first = current_step(2, reviewed=False, unit_leaders=("U0VICE",), principal="U0BOSS")
    assert first == ApprovalStep(Stage.REVIEW, ("U0VICE",))
    assert first.may_act("U0VICE", is_leader=False)  # named 分管领导 in the organisation file
    assert not first.may_act("U0BOSS", is_leader=True)  # the principal waits for the review
    second = current_step(2, reviewed=True, unit_leaders=("U0VICE",), principal="U0BOSS")
    assert second == ApprovalStep(Stage.DECISION, ("U0BOSS",))
    assert not second.may_act("U0VICE", is_leader=True)


@pytest.mark.parametrize("unit_leaders", [(), ("U0BOSS",)])
def test_without_a_distinct_unit_leader_the_principal_decides_at_once(unit_leaders: tuple[str, ...]) -> None:
    step = current_step(2, reviewed=False, unit_leaders=unit_leaders, principal="U0BOSS")
    assert step == ApprovalStep(Stage.DECISION, ("U0BOSS",))


def test_two_levels_without_a_principal_fall_back_to_any_leader() -> None:
    assert current_step(2, reviewed=True, unit_leaders=(), principal=None) == ApprovalStep(Stage.DECISION)


def test_a_rejection_needs_a_reason() -> None:
    with pytest.raises(DomainError) as refused:
        rejection_reason("   ")
    assert (refused.value.code, refused.value.field) == ("rejection_reason_required", "reason")
    assert rejection_reason(" 依据不足 ") == "依据不足"
