"""通报 / 归档 / 台账: bulletins on schedule, App Home, dossiers and the ledger export.

The work is split by feature: ``bulletins`` (schedule, preview, post), ``dashboard`` (App Home),
``archive`` (dossier and ledger). This class is the one entry point the handlers and the sweep use.
"""

from __future__ import annotations

from bot.services.archive import ArchiveService
from bot.services.base import Service
from bot.services.bulletins import BulletinService
from bot.services.context import ServiceContext
from bot.services.dashboard import DashboardService
from bot.services.people import PeopleService


class PublicationService(Service):
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        super().__init__(ctx, people)
        self.bulletins = BulletinService(ctx, people)
        self.dashboard = DashboardService(ctx, people)
        self.archive = ArchiveService(ctx, people)

    async def sweep(self) -> int:
        """Post the bulletins whose time has come (each once per period); returns how many."""
        return await self.bulletins.sweep()
