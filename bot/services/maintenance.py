"""Housekeeping the sweep does so the database grows with items, not with traffic."""

from __future__ import annotations

from datetime import timedelta

from bot.services.context import ServiceContext

# Slack retries an event for minutes and refuses signatures older than five; a month is a wide margin for
# the once-only keys of daily reminders too (they carry their date).
IDEMPOTENCY_RETENTION = timedelta(days=30)


class MaintenanceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def prune(self) -> int:
        """Forget inbound idempotency keys past the retention period; returns how many."""
        async with self.ctx.uow() as uow:
            return await uow.reports.forget_requests_before(self.ctx.now() - IDEMPOTENCY_RETENTION)
