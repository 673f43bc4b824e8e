"""拟办呈批 in one or two levels (pure rules; ``bot.services.proposals`` applies them).

With one level (``DUBAN_APPROVAL_LEVELS=1``) any leader decides a proposal. With two, the lead unit's
分管领导 (the organisation file's ``leader``) reviews it first (审核), then the principal leader
(主要领导, ``DUBAN_PRINCIPAL_LEADER``) decides (审批). A unit without a 分管领导, or whose 分管领导 is
the principal, goes straight to the principal. A rejection at either level needs a reason, which the
proposer is shown and the dossier keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import DomainError

REASON_MAX = 1000


class Stage(StrEnum):
    REVIEW = "review"  # the 分管领导 reviews (审核)
    DECISION = "decision"  # the principal leader (or, with one level, any leader) decides (审批)


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    """Where a proposal waits: its stage and who may act on it (empty: any leader)."""

    stage: Stage
    deciders: tuple[str, ...] = ()

    def may_act(self, user_id: str, *, is_leader: bool) -> bool:
        return user_id in self.deciders if self.deciders else is_leader


def current_step(
    levels: int, *, reviewed: bool, unit_leaders: tuple[str, ...], principal: str | None
) -> ApprovalStep:
    """The step a pending proposal is at."""
    if levels >= 2:
        reviewers = tuple(dict.fromkeys(u for u in unit_leaders if u and u != principal))
        if not reviewed and reviewers:
            return ApprovalStep(Stage.REVIEW, reviewers)
        if principal:
            return ApprovalStep(Stage.DECISION, (principal,))
    return ApprovalStep(Stage.DECISION)


def rejection_reason(text: str | None) -> str:
    """A rejection says why (shown to the proposer)."""
    reason = (text or "").strip()
    if not reason:
        raise DomainError("rejection_reason_required", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("reason_too_long", length=len(reason), max=REASON_MAX, field="reason")
    return reason
