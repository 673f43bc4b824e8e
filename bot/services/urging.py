"""催办: the urging ladder run from the database (check-ins, repeats, due reminders, written notices,
escalation), answers to check-ins, call logs, manual urging and extension requests."""

from __future__ import annotations

from bot.services.context import ServiceContext
from bot.services.people import PeopleService


class UrgingService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people

    async def sweep(self) -> int:
        """Send every urging that is due now; returns how many were queued."""
        return 0
