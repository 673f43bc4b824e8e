"""Bulletin drafts waiting for the leader's sign-off (DUBAN_BULLETIN_SIGNOFF): the bulletin row itself
holds the draft (status ``draft``, the rendered body in ``content``), so restarts and replicas see one
state, and signing it is one conditional update: exactly one click publishes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.repositories import DRAFT, QUEUED, Draft
from storage.db import to_db_utc
from storage.models import BulletinRow


def _draft(row: BulletinRow) -> Draft:
    return Draft(
        row.id, row.kind, row.period_key, row.status, row.channel, dict(row.content or {}), row.posted_at
    )


class BulletinDrafts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_key(self, kind: str, period_key: str) -> Draft | None:
        row = await self.session.scalar(
            select(BulletinRow).where(BulletinRow.kind == kind, BulletinRow.period_key == period_key)
        )
        return _draft(row) if row else None

    async def get(self, bulletin_id: int) -> Draft | None:
        row = await self.session.get(BulletinRow, bulletin_id)
        return _draft(row) if row else None

    async def save_draft(self, kind: str, period_key: str, *, content: dict[str, Any]) -> None:
        await self.session.execute(
            update(BulletinRow)
            .where(BulletinRow.kind == kind, BulletinRow.period_key == period_key)
            .values(status=DRAFT, content=content)
        )

    async def sign(self, bulletin_id: int, *, content: dict[str, Any], now: datetime) -> bool:
        """draft → queued, once: False when it was signed (or withdrawn) already."""
        result = await self.session.execute(
            update(BulletinRow)
            .where(BulletinRow.id == bulletin_id, BulletinRow.status == DRAFT)
            .values(status=QUEUED, posted_at=to_db_utc(now), content=content)
        )
        return (result.rowcount or 0) == 1
