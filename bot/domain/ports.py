"""Interfaces the services need from the outside world (implemented outside the core)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.domain.repositories import (
    BulletinDraftRepository,
    CalendarRepository,
    CorrectionRepository,
    EventRepository,
    FollowThroughRepository,
    ItemListRepository,
    ItemRepository,
    OrgRepository,
    OutgoingCall,
    PeopleRepository,
    ReportingRepository,
    ReportRepository,
    SlackMessageRepository,
    SweepRepository,
    UrgingRepository,
)


@dataclass(frozen=True, slots=True)
class SlackProfile:
    """What Slack tells us about a person (users.info)."""

    user_id: str
    name: str
    real_name: str
    locale: str | None
    tz: str | None
    deleted: bool
    is_bot: bool
    email: str | None = None  # needs the users:read.email scope


class UserDirectory(Protocol):
    async def fetch(self, user_id: str) -> SlackProfile | None:
        """The person's profile, or None when the workspace has no such user."""
        ...

    async def usergroup_members(self, usergroup: str) -> list[str] | None:
        """The user ids of a user group, or None when the group does not exist
        (``DirectoryUnavailable`` when the platform refuses or fails the lookup)."""
        ...


class UnitOfWork(Protocol):
    """One transaction: the repositories bound to it, and the outbox its Slack calls are queued in.

    Everything written through it commits together when the ``async with`` block ends without an
    exception, and is rolled back otherwise."""

    items: ItemRepository
    lists: ItemListRepository
    events: EventRepository
    people: PeopleRepository
    calendar: CalendarRepository
    messages: SlackMessageRepository
    reports: ReportRepository
    urging: UrgingRepository
    sweep: SweepRepository
    reporting: ReportingRepository
    org: OrgRepository
    corrections: CorrectionRepository
    follow: FollowThroughRepository
    drafts: BulletinDraftRepository

    async def send(
        self,
        idem_key: str,
        method: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        item_id: int | None = None,
        purpose: str | None = None,
        recipient_id: str | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Queue a Slack call to go out after this transaction commits (never twice for one key);
        False when the key was queued before."""
        ...

    async def send_many(self, calls: list[OutgoingCall], *, now: datetime) -> int:
        """``send`` for many calls at once (one statement); returns how many were new."""
        ...


class UnitOfWorkFactory(Protocol):
    """Where services get their transactions (the composition root passes storage's)."""

    def begin(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A transaction that writes: commit on success, roll back on any exception."""
        ...

    def read(self, *, small: bool = False) -> AbstractAsyncContextManager[UnitOfWork]:
        """A transaction that only reads (it does not wait for writers); nothing it does is kept.
        ``small``: a few rows found through indexes, for a request (storage may answer it without
        handing it to another thread); reads that scan many rows leave it False."""
        ...

    def people_version(self) -> int:
        """A number that changes whenever this process writes a profile, role or department (what was
        read about a person before may be kept while it stays the same)."""
        ...


class QueuedSend(Protocol):
    """A Slack call from the outbox, as the services see it when it failed for good."""

    @property
    def id(self) -> int: ...
    @property
    def idem_key(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def item_id(self) -> int | None: ...
    @property
    def purpose(self) -> str | None: ...
    @property
    def recipient_id(self) -> str | None: ...
