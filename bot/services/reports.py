"""反馈 / 审核 / 办结: reports, thread notes, review, approval of proposals, instructions, decomposition."""

from __future__ import annotations

from bot.services.context import ServiceContext
from bot.services.people import PeopleService


class ReportService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people

    async def sweep(self) -> int:
        """Office time limits that fall due (reviews waiting too long); returns how many were flagged."""
        return 0
