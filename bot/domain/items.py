"""Items (督办事项): the item, its owners and its behaviour (each change through the transition table)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain import lifecycle
from bot.domain.errors import DomainError
from bot.domain.events import EventKind, ItemEvent
from bot.domain.item_names import (
    NUMBER_PREFIX,
    REQUIREMENTS_MAX,
    SOURCE_ALIASES,
    TITLE_MAX,
    ItemNumber,
    ItemRef,
    OwnerRole,
    Role,
    SourceKind,
    parse_item_ref,
    parse_source,
)
from bot.domain.lifecycle import OPEN_STATES, Action, State
from bot.domain.register import RegisterFields, register_payload
from bot.domain.urge_plan import UrgePlan

__all__ = [
    "NUMBER_PREFIX",
    "REQUIREMENTS_MAX",
    "SOURCE_ALIASES",
    "TITLE_MAX",
    "Item",
    "ItemNumber",
    "ItemRef",
    "Owner",
    "OwnerRole",
    "Role",
    "SourceKind",
    "is_overdue",
    "overdue_days",
    "parse_item_ref",
    "parse_source",
]


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

    @classmethod
    def register(
        cls,
        actor_id: str,
        now: datetime,
        *,
        number: ItemNumber,
        title: str,
        requirements: str,
        source: SourceKind,
        owner_ids: Sequence[str],
        due: date,
        fields: RegisterFields | None = None,
        confidential: bool = False,
        fyi: bool = False,
        urgent: bool = False,
        parent_id: int | None = None,
        cadence: str | None = None,
    ) -> tuple[Item, list[ItemEvent]]:
        """立项登记: a new item (the first owner leads) and its ``registered`` event. It is not issued yet:
        ``issue`` or ``submit_for_approval`` decides where it goes next."""
        fields = fields or RegisterFields()
        item = cls(
            id=None,
            number=number,
            title=title,
            requirements=requirements,
            source=source,
            state=State.REGISTERED,
            assigner_id=actor_id,
            owners=[Owner(u, OwnerRole.LEAD if i == 0 else OwnerRole.CO) for i, u in enumerate(owner_ids)],
            original_due=due,
            current_due=due,
            created_at=now,
            confidential=confidential,
            fyi=fyi,
            urgent=urgent,
            parent_id=parent_id,
            kind="rectification" if source is SourceKind.INSPECTION else "regular",
            cadence=cadence,
            next_urge_at=now,  # the next urging sweep plans this item's ladder
            received_on=fields.received_on,
            doc_number=fields.doc_number,
            basis=fields.basis,
        )
        payload = {
            "number": str(number),
            "title": title,
            "due": due.isoformat(),
            "source": source.value,
            "confidential": confidential,
            "fyi": fyi,
            "urgent": urgent,
            **register_payload(item),
        }
        return item, [ItemEvent(EventKind.REGISTERED, now, actor_id, payload)]

    def issue(self, actor_id: str, now: datetime) -> list[ItemEvent]:
        """交办: a registered item goes to its owners (the ``issued`` event names them)."""
        lifecycle.apply(self, Action.ISSUE)
        return [ItemEvent(EventKind.ISSUED, now, actor_id, {"owners": [o.user_id for o in self.owners]})]

    def submit_for_approval(self, actor_id: str, now: datetime) -> list[ItemEvent]:
        """拟办呈批: a registered item waits for a leader's approval before it is issued."""
        previous = lifecycle.apply(self, Action.SUBMIT_FOR_APPROVAL)
        return self._moved(previous, actor_id, now)

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

    def review_proposal(self, actor_id: str, now: datetime, *, due: date | None = None) -> list[ItemEvent]:
        """The 分管领导 agrees to a proposal (审核, two approval levels): it stays pending, now for the
        principal leader, with the deadline the reviewer set (if any)."""
        lifecycle.next_state(self, Action.APPROVE_PROPOSAL)  # only a pending proposal can be reviewed
        if due is not None:
            self.current_due = due
        return [ItemEvent(EventKind.PROPOSAL_REVIEWED, now, actor_id, {})]

    def deadline_from_issue(self, due: date) -> None:
        """The deadline runs from issue: the days a proposal waited are given back (both deadlines move,
        before the item is issued)."""
        self.original_due = self.current_due = due

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

    def record_health(self, health: str) -> None:
        """An owner's answer says how the work stands (on_track | at_risk | blocked)."""
        self.health = health

    def silent_reurged(self, now: datetime) -> None:
        """The office urged again those who stayed silent."""
        self.urge_plan = self.urge_plan.silent_reurged(now)

    def coordinate(self, actor_id: str, now: datetime) -> list[ItemEvent]:
        """领导协调: one coordination per escalation; a second one (a double click, a second leader)
        changes nothing and returns no event."""
        occasion = (self.escalated_at or self.created_at).isoformat()
        if self.urge_plan.coordination_for == occasion:
            return []
        self.urge_plan = self.urge_plan.coordinated(occasion)
        payload = {"detail": "coordination", "owners": [o.user_id for o in self.owners]}
        return [ItemEvent(EventKind.ESCALATED, now, actor_id, payload)]

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
