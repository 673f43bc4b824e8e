"""The repositories a unit of work hands out to the services (ports of the core).

``storage`` implements them on SQLAlchemy; ``tests/fakes.py`` keeps them in memory. They take and
return domain objects and the plain records below, never rows; a conflict is a domain error
(``DuplicateRequest``), never a database exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from bot.domain.events import ItemEvent
from bot.domain.items import Item, ItemNumber, Owner, Role
from bot.domain.list_filter import ItemQuery
from bot.domain.organisation import Organisation
from bot.domain.people import AuditEntry, Department, Person, RoleGrant
from bot.domain.reports import ChildSummary, ReportRecord
from bot.domain.statistics import ItemSnapshot, OfficeTimeline
from bot.domain.urge_records import ExtensionRequest, UrgeRecord


@dataclass(frozen=True, slots=True)
class BulletinRecord:
    kind: str
    period_key: str
    status: str
    created_at: datetime
    posted_at: datetime | None
    channel: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A bulletin row awaiting (or past) the leader's sign-off; ``content`` holds the rendered draft."""

    id: int
    kind: str
    period_key: str
    status: str  # DRAFT, then QUEUED once signed
    channel: str | None
    content: dict[str, Any]
    posted_at: datetime | None


DRAFT = "draft"
QUEUED = "queued"


@dataclass(frozen=True, slots=True)
class UnansweredUrge:
    item_id: int
    rung: str
    recipient_id: str | None
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    item_id: int
    user_id: str
    issued_at: datetime


@dataclass
class OrgChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class ItemRepository(Protocol):
    async def next_number(self, year: int) -> ItemNumber: ...
    async def find_by_request_key(self, key: str) -> Item | None: ...
    async def add(self, item: Item, *, request_key: str | None, now: datetime) -> Item:
        """Insert the item (sets ``id``); ``DuplicateRequest`` when ``request_key`` was used before."""
        ...

    async def get(self, item_id: int, *, for_update: bool = False) -> Item | None: ...
    async def get_by_number(self, number: ItemNumber, *, for_update: bool = False) -> Item | None: ...
    async def save(self, item: Item, *, now: datetime) -> None: ...
    async def query(
        self,
        *,
        owner_id: str | None = None,
        involving: str | None = None,
        open_only: bool = False,
        due_before: date | None = None,
        limit: int = 50,
    ) -> list[Item]: ...
    async def count(self) -> int: ...


class ItemListRepository(Protocol):
    async def page(self, q: ItemQuery) -> tuple[list[Item], int]:
        """One page of the items the query selects and how many there are; ``UnknownUnit`` for a
        department name that matches none."""
        ...


class EventRepository(Protocol):
    async def append(self, item_id: int, event: ItemEvent) -> ItemEvent: ...
    async def for_item(self, item_id: int) -> list[ItemEvent]: ...


class PeopleRepository(Protocol):
    async def get(self, user_id: str) -> tuple[Person, datetime | None] | None:
        """The person and when their Slack profile was last refreshed."""
        ...

    async def find_by_name(self, name: str) -> list[Person]: ...
    async def upsert(
        self,
        person: Person,
        *,
        real_name: str = "",
        profile_locale: str | None,
        now: datetime,
        email: str | None = None,
    ) -> None: ...
    async def set_preferred_locale(self, user_id: str, locale: str) -> None: ...
    async def set_quiet_hours(self, user_id: str, window: str | None) -> bool: ...
    async def grant(self, user_id: str, role: Role, *, by: str | None, now: datetime) -> None: ...
    async def ensure_user(self, user_id: str) -> None: ...
    async def sync_configured_roles(
        self, configured: dict[Role, tuple[str, ...]], *, now: datetime
    ) -> None: ...
    async def users_with_role(self, role: Role) -> list[str]: ...
    async def upsert_department(self, department: Department) -> Department: ...
    async def add_member(self, department_id: int, user_id: str) -> None: ...
    async def departments_of(self, user_id: str) -> list[Department]: ...


class CalendarRepository(Protocol):
    async def overrides(self) -> dict[date, bool]: ...
    async def confirmed_years(self) -> set[int]: ...
    async def set_override(
        self, day: date, is_workday: bool, note: str, *, by: str, now: datetime
    ) -> None: ...
    async def clear_override(self, day: date, until: date | None = None) -> int: ...
    async def confirm_year(self, year: int, *, by: str, now: datetime) -> None: ...
    async def confirmation(self, year: int) -> tuple[str | None, datetime | None] | None: ...
    async def override_details(self, year: int) -> dict[date, tuple[str, str | None, datetime | None]]: ...
    async def list_overrides(self, year: int) -> list[tuple[date, bool, str]]: ...


class SlackMessageRepository(Protocol):
    async def find(self, item_id: int, purpose: str, user_id: str | None = None) -> tuple[str, str] | None:
        """(channel, ts) of the message posted for the item and purpose (and recipient)."""
        ...

    async def all_for(self, item_id: int, purpose: str) -> list[tuple[str, str, str]]:
        """(user, channel, ts) of the latest message of ``purpose`` about the item to each person."""
        ...

    async def item_for(self, channel: str, ts: str) -> tuple[int, str, str | None] | None: ...

    async def on_its_way(self, item_id: int, purpose: str, user_id: str | None = None) -> bool:
        """A message for the item and purpose (to the recipient) is queued or being posted, and so not yet
        in the register: an update of it must wait for it rather than be dropped."""
        ...

    async def recipients_on_their_way(self, item_id: int, purpose: str) -> list[str]:
        """Who has a message for the item and purpose queued or being posted to them."""
        ...


class UrgingRepository(Protocol):
    async def issued_at(self, item_id: int) -> datetime | None:
        """When the item was first issued (交办): the urging ladder starts there."""
        ...

    async def add(self, record: UrgeRecord) -> UrgeRecord | None:
        """Insert; None when a record with the same idempotency key exists (it was already done)."""
        ...

    async def get(self, record_id: int, *, for_update: bool = False) -> UrgeRecord | None: ...
    async def for_item(self, item_id: int) -> list[UrgeRecord]: ...
    async def save_answer(self, record: UrgeRecord) -> None: ...
    async def answer_open(self, item_id: int, user_id: str, *, answer: str, now: datetime) -> int: ...
    async def answer_open_acks(self, item_id: int, user_id: str, *, now: datetime) -> int: ...
    async def close_escalations(self, item_id: int, by: str, *, now: datetime) -> list[UrgeRecord]: ...
    async def answer_open_notices(self, item_id: int, user_id: str, *, now: datetime) -> int: ...
    async def add_extension(
        self, request: ExtensionRequest, *, request_key: str | None
    ) -> ExtensionRequest | None: ...
    async def extension(self, request_id: int, *, for_update: bool = False) -> ExtensionRequest | None: ...
    async def pending_extensions(self, item_id: int) -> list[ExtensionRequest]: ...
    async def latest_extension(self, item_id: int) -> ExtensionRequest | None: ...
    async def decide_extension(self, request: ExtensionRequest) -> None: ...


# In a queued ``chat.update`` whose message was not yet recorded as posted (its post still queued or in
# flight): {"item": id, "purpose": …, "user": … or None}, for the dispatcher to find the message by once
# it is posted; it then fills in ``channel`` and ``ts`` and drops this key.
LOCATE_ORIGINAL = "locate_original"


@dataclass(frozen=True, slots=True)
class OutgoingCall:
    """A Slack call to queue in the outbox (``UnitOfWork.send_many``): ``send``'s arguments as a value."""

    idem_key: str
    method: str
    payload: dict[str, Any]
    item_id: int | None = None
    purpose: str | None = None
    recipient_id: str | None = None
    not_before: datetime | None = None


class SweepRepository(Protocol):
    """The urging sweep's set-based reads and writes: a batch of due items at once, in one transaction."""

    async def claim_due(
        self, now: datetime, states: list[str], *, limit: int, only: list[int] | None = None
    ) -> list[Item]:
        """Up to ``limit`` items whose ``next_urge_at`` has come, earliest first, locked for this
        transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: other replicas take other items);
        ``only``: among these ids."""
        ...

    async def issued_at_many(self, item_ids: list[int]) -> dict[int, datetime]:
        """When each item was first issued (交办); items never issued are absent."""
        ...

    async def records_of(self, item_ids: list[int]) -> dict[int, list[UrgeRecord]]:
        """Every item's urging records, oldest first."""
        ...

    async def latest_extensions(self, item_ids: list[int]) -> dict[int, ExtensionRequest]:
        """Each item's most recent extension request, whatever became of it (none: absent)."""
        ...

    async def people(self, user_ids: list[str]) -> dict[str, Person]:
        """The stored profiles of these people (unknown ids are absent)."""
        ...

    async def add_records(self, records: list[UrgeRecord]) -> list[UrgeRecord]:
        """Insert the records whose idempotency key is new and give them their ids; returns those (a key
        already taken, by a replay or another replica, is skipped: never urged twice)."""
        ...

    async def append_events(self, events: list[tuple[int, ItemEvent]]) -> None:
        """Append each ``(item_id, event)`` to its item's dossier, in order (the items are locked)."""
        ...

    async def save_schedules(self, items: list[Item], *, now: datetime) -> None:
        """Write back each item's urging schedule and ladder state (next wake-up, plan, stage, round,
        last urged, escalated)."""
        ...

    async def postpone(self, item_ids: list[int], until: datetime) -> None:
        """Look at these items again at ``until`` (their urging raised)."""
        ...


class ReportRepository(Protocol):
    async def add_report(
        self,
        *,
        item_id: int,
        author_id: str,
        kind: str,
        now: datetime,
        request_key: str | None,
        percent: int | None = None,
        status: str | None = None,
        done: str = "",
        problems: str = "",
        next_steps: str = "",
        expected_date: date | None = None,
        links: str = "",
        source: str = "form",
    ) -> int: ...
    async def report_by_key(self, key: str) -> ReportRecord | None: ...
    async def latest_report(
        self, item_id: int, *, kinds: tuple[str, ...], author_id: str | None = None
    ) -> ReportRecord | None: ...
    async def authors(self, item_id: int) -> set[str]: ...
    async def add_review(
        self,
        *,
        item_id: int,
        report_id: int | None,
        reviewer_id: str,
        decision: str,
        checklist: dict[str, bool],
        reasons: str,
        new_due: date | None,
        now: datetime,
        request_key: str | None,
    ) -> int: ...
    async def review_exists(self, key: str) -> bool: ...
    async def children(self, parent_id: int) -> list[ChildSummary]: ...
    async def waiting_for_review(self, *, due_before: date, limit: int = 500) -> list[int]: ...
    async def first_time(self, key: str, now: datetime) -> bool:
        """Record an inbound request or a once-only job step; False when ``key`` was seen before."""
        ...

    async def forget_requests_before(self, before: datetime) -> int: ...
    async def change_lead(self, item_id: int, new_lead: str) -> None: ...
    async def set_original_due(self, item_id: int, due: date) -> None: ...


class ReportingRepository(Protocol):
    async def urgings_sent(self, start: datetime, end: datetime) -> list[tuple[str, str]]:
        """(rung, channel) of every urging sent in [start, end) on items that count (催办方式)."""
        ...

    async def departments(self) -> dict[str, tuple[str, str]]: ...
    async def lead_departments(self) -> dict[str, str]: ...
    async def snapshots(self, *, item_ids: list[int] | None = None) -> list[ItemSnapshot]: ...
    async def has_items_created_before(self, instant: datetime) -> bool: ...
    async def office_timelines(self, since: datetime) -> list[OfficeTimeline]: ...
    async def bulletin(self, kind: str, period_key: str) -> BulletinRecord | None: ...
    async def claim_bulletin(
        self, kind: str, period_key: str, *, claimed_by: str, channel: str, now: datetime
    ) -> bool: ...
    async def mark_bulletin_queued(
        self, kind: str, period_key: str, *, content: dict[str, Any], now: datetime
    ) -> None: ...
    async def unanswered_urges(self, limit: int = 200) -> list[UnansweredUrge]: ...
    async def owned_item_ids(self, user_id: str) -> list[int]: ...
    async def owners(self) -> dict[int, list[str]]: ...
    async def dossier_parts(self, item_id: int) -> dict[str, list[dict[str, Any]]]: ...
    async def save_dossier(
        self, item_id: int, *, html: str, data: dict[str, Any], by: str, now: datetime
    ) -> None: ...
    async def dossier(self, item_id: int) -> tuple[str, dict[str, Any], datetime] | None: ...
    async def count_items(self) -> int: ...


class OrgRepository(Protocol):
    async def apply_file(self, org: Organisation, *, now: datetime) -> OrgChanges: ...
    async def members(self, department_id: int) -> list[str]: ...
    async def departments(self) -> list[Department]: ...
    async def sync_usergroup(
        self, department_id: int, user_ids: list[str], *, now: datetime
    ) -> dict[str, list[str]]: ...
    async def roles(self) -> list[RoleGrant]: ...
    async def grant(self, user_id: str, role: Role, *, by: str, now: datetime) -> str | None: ...
    async def revoke(self, user_id: str, role: Role) -> str | None: ...
    async def audit(
        self, actor_id: str | None, action: str, subject: str, detail: dict[str, Any], now: datetime
    ) -> None: ...
    async def recent_audit(self, limit: int = 20) -> list[AuditEntry]: ...


class CorrectionRepository(Protocol):
    async def replace_owner(self, item_id: int, old_id: str, new: Owner) -> None: ...
    async def move_open_urgings(self, item_id: int, old_id: str, new_id: str) -> int: ...
    async def cancel_queued_urgings(self, item_id: int) -> int: ...
    async def find_by_email(self, email: str) -> list[str]: ...
    async def mark_deleted(self, user_id: str) -> None: ...
    async def counter(self, year: int) -> int: ...
    async def raise_counter(self, year: int, seq: int) -> int: ...


class BulletinDraftRepository(Protocol):
    """Bulletin drafts waiting for the leader's sign-off (DUBAN_BULLETIN_SIGNOFF)."""

    async def by_key(self, kind: str, period_key: str) -> Draft | None: ...
    async def get(self, bulletin_id: int) -> Draft | None: ...
    async def save_draft(self, kind: str, period_key: str, *, content: dict[str, Any]) -> None: ...
    async def sign(self, bulletin_id: int, *, content: dict[str, Any], now: datetime) -> bool:
        """draft → queued, once: False when it was signed (or withdrawn) already."""
        ...


class FollowThroughRepository(Protocol):
    async def pending_proposals(self) -> list[tuple[int, datetime]]: ...
    async def proposal_reviewed_at(self, item_id: int) -> datetime | None:
        """When the unit's 分管领导 reviewed the proposal (two-level 拟办呈批); None: not yet."""
        ...

    async def pending_extensions(self, states: list[str]) -> list[tuple[int, int, datetime]]: ...
    async def unacknowledged(self, states: list[str]) -> list[Unacknowledged]: ...
    async def delay_reports(self, states: list[str]) -> list[tuple[int, datetime, datetime | None]]: ...
