"""通报 / 归档 / 台账: bulletins on schedule, App Home, dossiers and the ledger export."""

from __future__ import annotations

from bot.services.context import ServiceContext
from bot.services.people import PeopleService


class RecordService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people

    async def sweep(self) -> int:
        """Post the bulletins whose time has come (each once per period); returns how many."""
        return 0
