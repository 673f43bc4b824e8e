"""What every service needs: its transactions, the clock, the settings, and who is who in Slack."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime

from bot.calendar_sources import standard_calendar
from bot.domain.calendar import WorkCalendar
from bot.domain.clock import Clock
from bot.domain.ports import UnitOfWork, UnitOfWorkFactory, UserDirectory
from bot.domain.urging import UrgePolicy
from bot.settings import Settings


@dataclass
class ServiceContext:
    units: UnitOfWorkFactory
    clock: Clock
    settings: Settings
    directory: UserDirectory

    def now(self) -> datetime:
        return self.clock.now()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.settings.zone)

    def today(self) -> date:
        return self.local_now().date()

    def uow(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return self.units.begin()

    def read(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A transaction that only reads: it does not queue behind writers (see storage.uow.read_only)."""
        return self.units.read()

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
