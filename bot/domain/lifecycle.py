"""The item state machine: one transition table and one function that applies it.

Regular items follow the process of the regulations (立项 → 拟办呈批 → 交办 → 办理 → 反馈 → 审核 →
办结 → 归档, with 退回重办 and a leader's 批示 reopening a completed item). FYI items (领导批示转办单)
only need each owner's acknowledgement. ``docs/state-machine.md`` is generated from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.errors import IllegalTransition

if TYPE_CHECKING:  # items imports this module: the table knows nothing of the item beyond its flow and state
    from bot.domain.items import Item


class State(StrEnum):
    REGISTERED = "registered"  # 已登记
    PENDING_APPROVAL = "pending_approval"  # 拟办呈批
    ISSUED = "issued"  # 已交办
    IN_PROGRESS = "in_progress"  # 办理中
    REPORTED = "reported"  # 已反馈
    UNDER_REVIEW = "under_review"  # 审核中
    RETURNED = "returned"  # 退回重办
    COMPLETED = "completed"  # 已办结
    ARCHIVED = "archived"  # 已归档
    REJECTED = "rejected"  # 拟办未获批准（终止）
    ACKNOWLEDGED = "acknowledged"  # 转办单：已签收（部分）
    CLOSED = "closed"  # 转办单：已关闭
    WITHDRAWN = "withdrawn"  # 已撤销（误立或不再督办；终止，不计入任何统计）


class Action(StrEnum):
    SUBMIT_FOR_APPROVAL = "submit_for_approval"
    APPROVE_PROPOSAL = "approve_proposal"
    REJECT_PROPOSAL = "reject_proposal"
    ISSUE = "issue"
    ACKNOWLEDGE = "acknowledge"
    REPORT_PROGRESS = "report_progress"
    SUBMIT_FINAL = "submit_final"
    START_REVIEW = "start_review"
    APPROVE = "approve"
    RETURN_FOR_REDO = "return_for_redo"
    INSTRUCT = "instruct"
    ARCHIVE = "archive"
    ACKNOWLEDGE_ALL = "acknowledge_all"  # FYI: the last owner has acknowledged
    WITHDRAW = "withdraw"  # 撤销: a leader or the office takes back an item still open


class Flow(StrEnum):
    REGULAR = "regular"
    FYI = "fyi"


@dataclass(frozen=True, slots=True)
class Transition:
    flow: Flow
    source: State
    action: Action
    target: State


_S, _A = State, Action
# Every open state may be withdrawn (撤销); completed, closed, archived and rejected items may not.
_WITHDRAWABLE_REGULAR = (
    _S.REGISTERED,
    _S.PENDING_APPROVAL,
    _S.ISSUED,
    _S.IN_PROGRESS,
    _S.REPORTED,
    _S.UNDER_REVIEW,
    _S.RETURNED,
)
_WITHDRAWABLE_FYI = (_S.REGISTERED, _S.ISSUED, _S.ACKNOWLEDGED)
TRANSITIONS: tuple[Transition, ...] = tuple(
    Transition(flow, source, action, target)
    for flow, rows in {
        Flow.REGULAR: [
            (_S.REGISTERED, _A.SUBMIT_FOR_APPROVAL, _S.PENDING_APPROVAL),
            (_S.REGISTERED, _A.ISSUE, _S.ISSUED),
            (_S.PENDING_APPROVAL, _A.APPROVE_PROPOSAL, _S.ISSUED),
            (_S.PENDING_APPROVAL, _A.REJECT_PROPOSAL, _S.REJECTED),
            (_S.ISSUED, _A.ACKNOWLEDGE, _S.IN_PROGRESS),
            (_S.ISSUED, _A.REPORT_PROGRESS, _S.IN_PROGRESS),
            (_S.IN_PROGRESS, _A.ACKNOWLEDGE, _S.IN_PROGRESS),
            (_S.IN_PROGRESS, _A.REPORT_PROGRESS, _S.IN_PROGRESS),
            (_S.RETURNED, _A.ACKNOWLEDGE, _S.RETURNED),
            (_S.RETURNED, _A.REPORT_PROGRESS, _S.IN_PROGRESS),
            (_S.ISSUED, _A.SUBMIT_FINAL, _S.REPORTED),
            (_S.IN_PROGRESS, _A.SUBMIT_FINAL, _S.REPORTED),
            (_S.RETURNED, _A.SUBMIT_FINAL, _S.REPORTED),
            (_S.REPORTED, _A.START_REVIEW, _S.UNDER_REVIEW),
            (_S.REPORTED, _A.APPROVE, _S.COMPLETED),
            (_S.UNDER_REVIEW, _A.APPROVE, _S.COMPLETED),
            (_S.REPORTED, _A.RETURN_FOR_REDO, _S.RETURNED),
            (_S.UNDER_REVIEW, _A.RETURN_FOR_REDO, _S.RETURNED),
            (_S.COMPLETED, _A.INSTRUCT, _S.IN_PROGRESS),
            (_S.COMPLETED, _A.ARCHIVE, _S.ARCHIVED),
            *((source, _A.WITHDRAW, _S.WITHDRAWN) for source in _WITHDRAWABLE_REGULAR),
        ],
        Flow.FYI: [
            (_S.REGISTERED, _A.ISSUE, _S.ISSUED),
            (_S.ISSUED, _A.ACKNOWLEDGE, _S.ACKNOWLEDGED),
            (_S.ACKNOWLEDGED, _A.ACKNOWLEDGE, _S.ACKNOWLEDGED),
            (_S.ISSUED, _A.ACKNOWLEDGE_ALL, _S.CLOSED),
            (_S.ACKNOWLEDGED, _A.ACKNOWLEDGE_ALL, _S.CLOSED),
            (_S.CLOSED, _A.ARCHIVE, _S.ARCHIVED),
            *((source, _A.WITHDRAW, _S.WITHDRAWN) for source in _WITHDRAWABLE_FYI),
        ],
    }.items()
    for source, action, target in rows
)

_TABLE: dict[tuple[Flow, State, Action], State] = {
    (t.flow, t.source, t.action): t.target for t in TRANSITIONS
}

OPEN_STATES: frozenset[State] = frozenset(
    {
        State.REGISTERED,
        State.PENDING_APPROVAL,
        State.ISSUED,
        State.IN_PROGRESS,
        State.REPORTED,
        State.UNDER_REVIEW,
        State.RETURNED,
        State.ACKNOWLEDGED,
    }
)
# States in which the owners still have work to do (urging applies to these).
OWNER_WORKING_STATES: frozenset[State] = frozenset({State.ISSUED, State.IN_PROGRESS, State.RETURNED})
FINAL_STATES: frozenset[State] = frozenset(
    {State.COMPLETED, State.ARCHIVED, State.CLOSED, State.REJECTED, State.WITHDRAWN}
)


def flow_of(item: Item) -> Flow:
    return Flow.FYI if item.fyi else Flow.REGULAR


def allowed_actions(item: Item) -> list[Action]:
    flow, state = flow_of(item), item.state
    return [t.action for t in TRANSITIONS if t.flow is flow and t.source is state]


def next_state(item: Item, action: Action) -> State:
    """The state ``action`` leads to, or ``IllegalTransition`` saying why not."""
    flow, state = flow_of(item), item.state
    try:
        return _TABLE[(flow, state, action)]
    except KeyError:
        raise IllegalTransition(
            "illegal_transition", number=str(item.number), state=state.value, action=action.value
        ) from None


def apply(item: Item, action: Action) -> State:
    """Move ``item`` along ``action``; returns the previous state."""
    previous = item.state
    item.state = next_state(item, action)
    return previous


def is_open(item: Item) -> bool:
    return item.state in OPEN_STATES


def mermaid_diagram() -> str:
    """The transition table as a Mermaid state diagram (``docs/state-machine.md`` embeds it)."""
    lines = ["stateDiagram-v2"]
    for flow in Flow:
        lines.append(f"    state {flow.value} {{")
        prefix = "fyi_" if flow is Flow.FYI else ""
        lines.append(f"        [*] --> {prefix}{State.REGISTERED.value}")
        for t in TRANSITIONS:
            if t.flow is flow:
                lines.append(
                    f"        {prefix}{t.source.value} --> {prefix}{t.target.value}: {t.action.value}"
                )
        for terminal in (State.ARCHIVED, State.WITHDRAWN):
            lines.append(f"        {prefix}{terminal.value} --> [*]")
        lines.append("    }")
    return "\n".join(lines) + "\n"
