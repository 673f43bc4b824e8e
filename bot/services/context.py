"""What every service needs: its transactions, the clock, the settings, and who is who in Slack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.calendar_sources import standard_calendar
from bot.domain.calendar import WorkCalendar
from bot.domain.clock import Clock
from bot.domain.ports import UnitOfWork, UnitOfWorkFactory, UserDirectory
from bot.domain.urging import UrgePolicy
from bot.settings import Settings

# The read-only transaction a request opened for all its reads (``ServiceContext.one_read``), with the
# context and the task it belongs to: a background task started during the request inherits this variable
# but must not use a session that is closed when the request ends.
_SHARED_READ: ContextVar[tuple[object, object, UnitOfWork] | None] = ContextVar("duban_read", default=None)


@dataclass
class ServiceContext:
    units: UnitOfWorkFactory
    clock: Clock
    settings: Settings
    directory: UserDirectory
    # Transactions of this process that take an item number wait here in turn (first come, first served)
    # instead of all at once on the counter row's lock in PostgreSQL, where 20 concurrent assignments
    # were served out of order: p99 three to five times the median (docs/performance.md). Across
    # processes the row lock still orders them; on SQLite the write lock already does.
    number_turn: asyncio.Lock = field(default_factory=asyncio.Lock)

    def now(self) -> datetime:
        return self.clock.now()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.settings.zone)

    def today(self) -> date:
        return self.local_now().date()

    def uow(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return self.units.begin()

    def read(self, *, small: bool = False) -> AbstractAsyncContextManager[UnitOfWork]:
        """A transaction that only reads: it does not queue behind writers (see storage.uow.read_only).
        Inside :meth:`one_read` it is that request's transaction. ``small``: see UnitOfWorkFactory.read."""
        shared = self._shared()
        return _joined(shared) if shared is not None else self.units.read(small=small)

    def _shared(self) -> UnitOfWork | None:
        shared = _SHARED_READ.get()
        if shared is None or shared[0] is not self or shared[1] is not asyncio.current_task():
            return None
        return shared[2]

    @asynccontextmanager
    async def one_read(self) -> AsyncIterator[None]:
        """One read-only transaction for every read of what follows in this task (a request that only
        reads: who is asking, the work, what the reply shows). Writes still get their own transactions;
        a read after a write inside it would see the state from before the write, so only read-only
        requests use it. Its reads are small ones (a page of a list, one item, a profile)."""
        if self._shared() is not None:
            yield
            return
        async with self.units.read(small=True) as uow:
            token = _SHARED_READ.set((self, asyncio.current_task(), uow))
            try:
                yield
            finally:
                _SHARED_READ.reset(token)

    def urge_policy(self) -> UrgePolicy:
        """The organisation's urging policy (items add their own cadence and urgency)."""
        settings = self.settings
        return UrgePolicy(
            work_start=settings.work_start,
            work_end=settings.work_end,
            repeat_after_work_hours=settings.urge_repeat_hours,
            max_repeats=settings.urge_max_repeats,
            notice_answer_workdays=settings.escalate_after_workdays,
        )

    async def calendar(self, uow: UnitOfWork) -> WorkCalendar:
        """The published Chinese schedule, the organisation's entered days, computed holidays."""
        return standard_calendar(await uow.calendar.overrides(), await uow.calendar.confirmed_years())


@asynccontextmanager
async def _joined(uow: UnitOfWork) -> AsyncIterator[UnitOfWork]:
    yield uow
