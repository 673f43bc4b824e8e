"""The in-memory database behind tests/fakes.py: what storage's tables hold, as plain Python values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain.events import ItemEvent
from bot.domain.items import Item, Role
from bot.domain.people import Department, Person
from bot.domain.reports import ReportRecord
from bot.domain.urge_records import ExtensionRequest, UrgeRecord


@dataclass
class QueuedCall:
    """One outbox row: a Slack call queued by a unit of work."""

    idem_key: str
    method: str
    payload: dict[str, Any]
    created_at: datetime
    item_id: int | None = None
    purpose: str | None = None
    recipient_id: str | None = None
    not_before: datetime | None = None


@dataclass
class UserRow:
    person: Person  # without roles and departments (they live in their own tables)
    real_name: str = ""
    email: str | None = None
    slack_locale: str | None = None
    preferred_locale: str | None = None
    refreshed_at: datetime | None = None


@dataclass
class Tables:
    """The whole database: what storage's tables hold, as plain Python values."""

    items: dict[int, Item] = field(default_factory=dict)
    request_keys: dict[str, int] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)
    events: dict[int, list[ItemEvent]] = field(default_factory=dict)
    users: dict[str, UserRow] = field(default_factory=dict)
    roles: dict[tuple[str, Role], tuple[str, str | None, datetime | None]] = field(default_factory=dict)
    departments: dict[int, Department] = field(default_factory=dict)  # members empty: see ``members``
    removed_departments: set[int] = field(default_factory=set)
    members: set[tuple[int, str]] = field(default_factory=set)
    overrides: dict[date, tuple[bool, str, str | None, datetime | None]] = field(default_factory=dict)
    confirmed_years: dict[int, tuple[str | None, datetime | None]] = field(default_factory=dict)
    posted: list[tuple[int | None, str, str | None, str, str]] = field(default_factory=list)
    urges: dict[int, UrgeRecord] = field(default_factory=dict)
    extensions: dict[int, tuple[ExtensionRequest, str | None]] = field(default_factory=dict)
    reports: dict[int, tuple[ReportRecord, str | None]] = field(default_factory=dict)
    reviews: dict[int, dict[str, Any]] = field(default_factory=dict)
    inbound: dict[str, datetime] = field(default_factory=dict)
    bulletins: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    dossiers: dict[int, tuple[str, dict[str, Any], datetime]] = field(default_factory=dict)
    audit: list[tuple[datetime, str | None, str, str, dict[str, Any]]] = field(default_factory=list)
    outbox: list[QueuedCall] = field(default_factory=list)
    next_id: int = 0

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class FakeDatabase:
    """What the repositories read and write; ``tables`` is replaced wholesale on rollback."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.commits = 0
        # How many more request-key look-ups miss (another replica's insert not visible yet: a race).
        self.unseen_request_keys = 0


class Repo:
    """A repository over a ``FakeDatabase`` (it reads ``tables`` anew each time: rollback swaps them)."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    @property
    def t(self) -> Tables:
        return self.db.tables
