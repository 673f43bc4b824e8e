"""Items (督办事项) and the vocabulary that describes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain import lifecycle
from bot.domain.errors import DomainError, ParseError
from bot.domain.events import EventKind, ItemEvent
from bot.domain.lifecycle import OPEN_STATES, Action, State
from bot.domain.urge_plan import UrgePlan

TITLE_MAX = 200
REQUIREMENTS_MAX = 3000
NUMBER_PREFIX = "DB"


class SourceKind(StrEnum):
    """Where an item comes from (立项来源)."""

    LEADER_INSTRUCTION = "leader_instruction"  # 领导批示
    MEETING_DECISION = "meeting_decision"  # 会议决定
    UPPER_DOCUMENT = "upper_document"  # 上级文件 / 督办件
    DEPUTY_PROPOSAL = "deputy_proposal"  # 人大建议 / 政协提案
    WORK_PLAN = "work_plan"  # 工作计划
    COMPLAINT = "complaint"  # 投诉
    PUBLIC_CONCERN = "public_concern"  # 媒体 / 群众热点
    INSPECTION = "inspection"  # 督查整改
    OTHER = "other"


SOURCE_ALIASES: dict[str, SourceKind] = {
    **{kind.value: kind for kind in SourceKind},
    "instruction": SourceKind.LEADER_INSTRUCTION,
    "leader": SourceKind.LEADER_INSTRUCTION,
    "批示": SourceKind.LEADER_INSTRUCTION,
    "领导批示": SourceKind.LEADER_INSTRUCTION,
    "meeting": SourceKind.MEETING_DECISION,
    "会议": SourceKind.MEETING_DECISION,
    "会议决定": SourceKind.MEETING_DECISION,
    "document": SourceKind.UPPER_DOCUMENT,
    "upper": SourceKind.UPPER_DOCUMENT,
    "上级文件": SourceKind.UPPER_DOCUMENT,
    "文件": SourceKind.UPPER_DOCUMENT,
    "proposal": SourceKind.DEPUTY_PROPOSAL,
    "deputy": SourceKind.DEPUTY_PROPOSAL,
    "建议": SourceKind.DEPUTY_PROPOSAL,
    "提案": SourceKind.DEPUTY_PROPOSAL,
    "人大建议": SourceKind.DEPUTY_PROPOSAL,
    "政协提案": SourceKind.DEPUTY_PROPOSAL,
    "plan": SourceKind.WORK_PLAN,
    "工作计划": SourceKind.WORK_PLAN,
    "计划": SourceKind.WORK_PLAN,
    "投诉": SourceKind.COMPLAINT,
    "public": SourceKind.PUBLIC_CONCERN,
    "media": SourceKind.PUBLIC_CONCERN,
    "热点": SourceKind.PUBLIC_CONCERN,
    "舆情": SourceKind.PUBLIC_CONCERN,
    "整改": SourceKind.INSPECTION,
    "督查": SourceKind.INSPECTION,
    "其他": SourceKind.OTHER,
}


def parse_source(text: str) -> SourceKind:
    try:
        return SOURCE_ALIASES[text.strip().lower()]
    except KeyError:
        raise ParseError(
            "unknown_source", source=text, choices=", ".join(k.value for k in SourceKind)
        ) from None


class Role(StrEnum):
    LEADER = "leader"
    SUPERVISOR = "supervisor"
    DEPT_HEAD = "dept_head"
    MEMBER = "member"
    ADMIN = "admin"


class OwnerRole(StrEnum):
    LEAD = "lead"  # 主办
    CO = "co"  # 协办


_NUMBER_RE = re.compile(r"^\s*(?:DB-?(\d{4})-?)?0*(\d{1,6})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ItemNumber:
    """The unified number 统一编号 ``DB-<year>-<4 digits>``."""

    year: int
    seq: int

    def __str__(self) -> str:
        return f"{NUMBER_PREFIX}-{self.year}-{self.seq:04d}"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What a user typed to name an item: a full number or just its sequence (current year)."""

    seq: int
    year: int | None = None

    def resolve(self, current_year: int) -> ItemNumber:
        return ItemNumber(self.year or current_year, self.seq)


def parse_item_ref(text: str) -> ItemRef:
    match = _NUMBER_RE.match(text)
    if not match or int(match.group(2)) == 0:
        raise ParseError("bad_item_ref", text=text)
    year = int(match.group(1)) if match.group(1) else None
    return ItemRef(seq=int(match.group(2)), year=year)


@dataclass(slots=True)
class Owner:
    user_id: str
    role: OwnerRole
    acknowledged_at: datetime | None = None


@dataclass(slots=True)
class Item:
    """One supervision item.

    Its changes are the methods below: each moves the item through the transition table
    (``bot.domain.lifecycle``) and returns the dossier events it makes, in the order they are appended;
    a service saves the item and appends the events in the same unit of work.
    """

    id: int | None
    number: ItemNumber
    title: str
    requirements: str
    source: SourceKind
    state: State
    assigner_id: str
    owners: list[Owner]
    original_due: date
    current_due: date
    created_at: datetime
    confidential: bool = False
    fyi: bool = False
    urgent: bool = False
    parent_id: int | None = None
    completed_at: datetime | None = None
    version: int = 0
    participants: list[str] = field(default_factory=list)
    kind: str = "regular"  # regular | rectification (整改)
    cadence: str | None = None  # routine check-in rhythm as typed (bot.domain.cadence.parse_cadence)
    next_urge_at: datetime | None = None  # when the urging sweep should look at the item again
    urge_plan: UrgePlan = field(default_factory=UrgePlan)  # what the urging ladder remembers
    urge_stage: str | None = None
    urge_round: int = 0
    last_urged_at: datetime | None = None
    escalated_at: datetime | None = None
    health: str | None = None  # on_track | at_risk | blocked
    percent_done: int | None = None
    return_count: int = 0  # 退办次数
    approver_id: str | None = None  # the leader who approves the proposal (拟办呈批)
    reported_at: datetime | None = None
    review_due: date | None = None
    archived_at: datetime | None = None
    received_on: date | None = None  # 收文日期 (bot.domain.register)
    doc_number: str = ""  # 文号
    basis: str = ""  # 立项依据

    @property
    def lead(self) -> Owner:
        return next(o for o in self.owners if o.role is OwnerRole.LEAD)

    @property
    def co_owners(self) -> list[Owner]:
        return [o for o in self.owners if o.role is OwnerRole.CO]

    def owner(self, user_id: str) -> Owner | None:
        return next((o for o in self.owners if o.user_id == user_id), None)

    def involves(self, user_id: str) -> bool:
        return user_id == self.assigner_id or self.owner(user_id) is not None or user_id in self.participants

    # -- behaviour --------------------------------------------------------------------------------

    def _moved(self, previous: State, actor_id: str | None, now: datetime) -> list[ItemEvent]:
        """The ``state_changed`` event, when the state did change."""
        if self.state is previous:
            return []
        payload = {"old": previous.value, "new": self.state.value}
        return [ItemEvent(EventKind.STATE_CHANGED, now, actor_id, payload)]

    def acknowledge(self, user_id: str, now: datetime) -> list[ItemEvent]:
        """An owner acknowledges (签收); the last acknowledgement closes an FYI transfer (转办单)."""
        owner = self.owner(user_id)
        if owner is None:
            raise DomainError("not_owner", number=str(self.number))
        if owner.acknowledged_at is not None:
            return []
        previous = lifecycle.apply(self, Action.ACKNOWLEDGE)
        owner.acknowledged_at = now
        if self.fyi and all(o.acknowledged_at for o in self.owners):
            lifecycle.apply(self, Action.ACKNOWLEDGE_ALL)
            self.completed_at = now
        return [ItemEvent(EventKind.ACKNOWLEDGED, now, user_id, {}), *self._moved(previous, user_id, now)]

    def report(
        self,
        author_id: str,
        now: datetime,
        *,
        final: bool,
        lead: bool,
        percent: int | None,
        health: str,
        review_due: date | None = None,
    ) -> list[ItemEvent]:
        """An owner reports (反馈). The lead's final report waits for review by ``review_due``; a co-owner's
        part changes neither the progress figures nor, when final, the state. Returns the state change,
        appended after the report's own event (which needs the stored report's id)."""
        previous = self.state
        if final and lead:
            lifecycle.apply(self, Action.SUBMIT_FINAL)
            self.review_due = review_due
        elif not final:
            lifecycle.apply(self, Action.REPORT_PROGRESS)
        if lead:
            self.percent_done = percent
            self.health = health
        self.reported_at = now
        return self._moved(previous, author_id, now)

    def start_review(self, actor_id: str, now: datetime) -> list[ItemEvent]:
        """The office takes up a final report (审核中)."""
        previous = lifecycle.apply(self, Action.START_REVIEW)
        return self._moved(previous, actor_id, now)

    def approve(self, actor_id: str, now: datetime, *, review_id: int) -> list[ItemEvent]:
        """The review passes: the item is completed (办结)."""
        previous = lifecycle.apply(self, Action.APPROVE)
        self.review_due = None
        self.completed_at = now
        self.percent_done = 100
        completed = ItemEvent(EventKind.COMPLETED, now, actor_id, {"review_id": review_id})
        return [completed, *self._moved(previous, actor_id, now)]

    def return_for_redo(
        self, actor_id: str, now: datetime, *, new_due: date, review_id: int, reasons: str
    ) -> list[ItemEvent]:
        """退回重办: back to the owners with a new deadline (the original deadline never changes)."""
        previous = lifecycle.apply(self, Action.RETURN_FOR_REDO)
        self.review_due = None
        self.return_count += 1
        self.current_due = new_due
        self.next_urge_at = now  # urging restarts on the new plan
        payload = {
            "review_id": review_id,
            "reasons": reasons,
            "new_due": new_due.isoformat(),
            "count": self.return_count,
        }
        return [ItemEvent(EventKind.RETURNED, now, actor_id, payload), *self._moved(previous, actor_id, now)]

    def instruct(
        self, actor_id: str, now: datetime, *, text: str, requirements: str, new_due: date | None
    ) -> list[ItemEvent]:
        """A leader's instruction (批示): a completed item reopens (跟踪落实), an open one takes it."""
        previous = self.state
        if previous is State.COMPLETED:
            lifecycle.apply(self, Action.INSTRUCT)
            self.completed_at = None
        self.requirements = requirements
        if new_due is not None:
            self.current_due = new_due
        self.next_urge_at = now  # the urging sweep plans the continued work
        payload = {
            "text": text,
            "new_due": new_due.isoformat() if new_due else None,
            "reopened": previous is State.COMPLETED,
        }
        return [
            ItemEvent(EventKind.INSTRUCTED, now, actor_id, payload),
            *self._moved(previous, actor_id, now),
        ]

    def decide_proposal(
        self, actor_id: str, now: datetime, *, approve: bool, due: date | None = None
    ) -> list[ItemEvent]:
        """A leader decides the proposal (拟办呈批): approved, it is issued to its owners (by ``due``)."""
        previous = self.state
        if approve:
            if due is not None:
                self.current_due = due
            lifecycle.apply(self, Action.APPROVE_PROPOSAL)
            self.next_urge_at = now  # issued now: the urging sweep plans it from here
        else:
            lifecycle.apply(self, Action.REJECT_PROPOSAL)
        self.approver_id = actor_id
        events = self._moved(previous, actor_id, now)
        if approve:
            owners = [o.user_id for o in self.owners]
            events.append(ItemEvent(EventKind.ISSUED, now, actor_id, {"owners": owners}))
        return events

    def extend(
        self,
        actor_id: str,
        now: datetime,
        *,
        request_id: int | None,
        requested_due: date,
        approved: bool,
        note: str,
    ) -> list[ItemEvent]:
        """An extension (延期) is decided: approved, the deadline moves (the original one stays: lateness
        is still judged against it too); either way urging re-plans against the deadline that stands."""
        if not self.is_open:
            raise DomainError("not_urgeable", number=str(self.number), state=self.state)
        old = self.current_due
        if approved:
            self.current_due = requested_due
        self.next_urge_at = now
        payload = {
            "request": request_id,
            "approved": approved,
            "from": old.isoformat(),
            "to": requested_due.isoformat(),
            "note": note,
        }
        return [ItemEvent(EventKind.EXTENSION_DECIDED, now, actor_id, payload)]

    def withdraw(self, actor_id: str, now: datetime, *, reason: str) -> list[ItemEvent]:
        """撤销: an open item is taken back; the urging sweep never looks at it again."""
        previous = lifecycle.apply(self, Action.WITHDRAW)
        self.next_urge_at = None
        withdrawn = ItemEvent(EventKind.WITHDRAWN, now, actor_id, {"reason": reason})
        return [withdrawn, *self._moved(previous, actor_id, now)]

    def archive(self, actor_id: str, now: datetime) -> list[ItemEvent]:
        """归档: a completed or closed item's dossier is closed."""
        previous = lifecycle.apply(self, Action.ARCHIVE)
        self.archived_at = now
        return [*self._moved(previous, actor_id, now), ItemEvent(EventKind.ARCHIVED, now, actor_id, {})]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # -- urging bookkeeping (no state change, no event of its own) ---------------------------------

    def replan_urging(self, now: datetime) -> None:
        """The next urging sweep plans the ladder again (a new deadline, a promise, an answer)."""
        self.next_urge_at = now

    def snooze(self, until: datetime, now: datetime) -> None:
        self.urge_plan = self.urge_plan.snoozed(until)
        self.replan_urging(now)

    def urged(self, stage: str, now: datetime, *, escalation: bool = False, by_hand: bool = False) -> None:
        """One more urging round went out: by the ladder (its rung is the stage now) or by a person (the
        stage stays the ladder's)."""
        self.urge_round += 1
        self.last_urged_at = now
        self.urge_stage = (self.urge_stage or stage) if by_hand else stage
        if escalation:
            self.escalated_at = now


def is_overdue(item: Item, today: date) -> bool:
    """Open and past its *current* deadline (the deadline day itself still counts as on time)."""
    return item.state in OPEN_STATES and today > item.current_due


def overdue_days(item: Item, today: date) -> int:
    return max(0, (today - item.current_due).days) if is_overdue(item, today) else 0
