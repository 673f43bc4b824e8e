"""One transaction per user action: the unit of work hands out repositories bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.bulletin_drafts import BulletinDrafts
from storage.calendar_repo import CalendarRepository
from storage.corrections_repo import CorrectionRepository
from storage.db import READ_ONLY, SMALL_READ, is_memory, people_changes
from storage.follow_through_repo import FollowThroughRepository
from storage.item_lists import ItemListRepository
from storage.org_repo import OrgRepository
from storage.outbox import enqueue, enqueue_many
from storage.people_repo import PeopleRepository
from storage.publication_reads import ReportingRepository
from storage.reports_repo import ReportRepository
from storage.repositories import EventRepository, ItemRepository
from storage.slack_messages_repo import SlackMessageRepository
from storage.sqlite_turn import SqliteTurn
from storage.sweep_repo import SweepRepository
from storage.urging_repo import UrgingRepository


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.items = ItemRepository(session)
        self.lists = ItemListRepository(session)
        self.events = EventRepository(session)
        self.people = PeopleRepository(session)
        self.calendar = CalendarRepository(session)
        self.messages = SlackMessageRepository(session)
        self.reports = ReportRepository(session)
        self.urging = UrgingRepository(session)
        self.sweep = SweepRepository(session)
        self.reporting = ReportingRepository(session)
        self.org = OrgRepository(session)
        self.corrections = CorrectionRepository(session)
        self.follow = FollowThroughRepository(session)
        self.drafts = BulletinDrafts(session)

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
        """Queue a Slack call to go out after this transaction commits (never twice for one key)."""
        return await enqueue(
            self.session,
            idem_key=idem_key,
            method=method,
            payload=payload,
            now=now,
            item_id=item_id,
            purpose=purpose,
            recipient_id=recipient_id,
            not_before=not_before,
        )

    async def send_many(self, calls: list[Any], *, now: datetime) -> int:
        """``send`` for many ``OutgoingCall`` values in one statement; returns how many were new."""
        return await enqueue_many(self.session, calls, now=now)


# SQLite has one writer at a time and its busy handler polls rather than queues, so a burst of
# concurrent actions can starve one of them for seconds: write transactions take turns in order instead,
# within this process and across the workers of DUBAN_WORKERS (storage/sqlite_turn.py).
_SQLITE_TURNS: WeakKeyDictionary[async_sessionmaker[AsyncSession], SqliteTurn] = WeakKeyDictionary()


def _sqlite_turn(sessions: async_sessionmaker[AsyncSession]) -> SqliteTurn | None:
    bind = sessions.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        return None
    turn = _SQLITE_TURNS.get(sessions)
    if turn is None:
        database = None if is_memory(bind.url) else bind.url.database
        turn = _SQLITE_TURNS.setdefault(sessions, SqliteTurn(database))
    return turn


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[UnitOfWork]:
    """Commit on success, roll back on any exception (so nothing is half-written)."""
    turn = _sqlite_turn(sessions)
    async with turn.taken() if turn else nullcontext(), sessions() as session, session.begin():
        yield UnitOfWork(session)


@asynccontextmanager
async def read_only(
    sessions: async_sessionmaker[AsyncSession], *, small: bool = False
) -> AsyncIterator[UnitOfWork]:
    """A unit of work that only reads: no turn on the SQLite write lock (``BEGIN`` deferred under WAL,
    so readers run beside each other and beside the writer); on PostgreSQL a READ ONLY transaction.
    Anything it flushes is rolled back, never committed. ``small`` (a request's few indexed reads): on
    SQLite its statements run on the event loop's thread, without a hop to the connection's thread each
    (``storage.sqlite_driver``); a read that scans many rows must not say so, it would hold the loop."""
    async with sessions() as session:
        options: dict[str, Any] = {READ_ONLY: True, SMALL_READ: small}
        if session.get_bind().dialect.name == "postgresql":
            options["postgresql_readonly"] = True  # BEGIN READ ONLY: no extra round trip to say so
        await session.connection(execution_options=options)
        try:
            yield UnitOfWork(session)
        finally:
            await session.rollback()


class SqlUnitsOfWork:
    """The services' ``UnitOfWorkFactory`` on a SQLAlchemy session factory."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    def begin(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return unit_of_work(self.sessions)

    def read(self, *, small: bool = False) -> AbstractAsyncContextManager[UnitOfWork]:
        return read_only(self.sessions, small=small)

    def people_version(self) -> int:
        return people_changes()
