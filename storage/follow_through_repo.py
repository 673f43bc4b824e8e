"""The reads behind 一督到底 (bot.services.follow_through): what waits for someone, and since when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.repositories import Unacknowledged
from storage.models import ExtensionRequestRow, ItemEventRow, ItemOwnerRow, ItemRow, UrgeRecordRow

LIMIT = 500


class FollowThroughRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def pending_proposals(self) -> list[tuple[int, datetime]]:
        """Items waiting for a leader's approval, with when they were proposed (registered)."""
        rows = await self.session.execute(
            select(ItemRow.id, ItemRow.created_at)
            .where(ItemRow.state == "pending_approval")
            .order_by(ItemRow.created_at, ItemRow.id)
            .limit(LIMIT)
        )
        return [(item_id, at) for item_id, at in rows]

    async def proposal_reviewed_at(self, item_id: int) -> datetime | None:
        """When the unit's 分管领导 reviewed the proposal (two-level 拟办呈批); None: not yet."""
        return await self.session.scalar(
            select(ItemEventRow.at)
            .where(ItemEventRow.item_id == item_id, ItemEventRow.kind == "proposal_reviewed")
            .order_by(ItemEventRow.seq.desc())
            .limit(1)
        )

    async def pending_extensions(self, states: list[str]) -> list[tuple[int, int, datetime]]:
        """(request id, item id, asked at) of undecided extension requests on open items."""
        rows = await self.session.execute(
            select(ExtensionRequestRow.id, ExtensionRequestRow.item_id, ExtensionRequestRow.created_at)
            .join(ItemRow, ItemRow.id == ExtensionRequestRow.item_id)
            .where(ExtensionRequestRow.status == "pending", ItemRow.state.in_(states))
            .order_by(ExtensionRequestRow.created_at, ExtensionRequestRow.id)
            .limit(LIMIT)
        )
        return [(request_id, item_id, at) for request_id, item_id, at in rows]

    async def unacknowledged(self, states: list[str]) -> list[Unacknowledged]:
        """Co-owners of issued items and every recipient of an FYI transfer who never acknowledged."""
        issued = (
            select(ItemEventRow.item_id, func.min(ItemEventRow.at).label("at"))
            .where(ItemEventRow.kind == "issued")
            .group_by(ItemEventRow.item_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(ItemOwnerRow.item_id, ItemOwnerRow.user_id, issued.c.at)
            .join(ItemRow, ItemRow.id == ItemOwnerRow.item_id)
            .join(issued, issued.c.item_id == ItemOwnerRow.item_id)
            .where(
                ItemOwnerRow.acknowledged_at.is_(None),
                ItemRow.state.in_(states),
                (ItemOwnerRow.role == "co") | ItemRow.fyi.is_(True),
            )
            .order_by(ItemOwnerRow.item_id, ItemOwnerRow.position)
            .limit(LIMIT)
        )
        return [Unacknowledged(item_id, user_id, at) for item_id, user_id, at in rows]

    async def delay_reports(self, states: list[str]) -> list[tuple[int, datetime, datetime | None]]:
        """Open items whose written urging notice was answered (the delay report): its first answer,
        and the latest progress report (续报) requested since."""
        rows = list(
            await self.session.execute(
                select(UrgeRecordRow.item_id, func.min(UrgeRecordRow.answered_at))
                .join(ItemRow, ItemRow.id == UrgeRecordRow.item_id)
                .where(
                    UrgeRecordRow.rung == "notice",
                    UrgeRecordRow.answered_at.is_not(None),
                    ItemRow.state.in_(states),
                    ItemRow.fyi.is_(False),
                )
                .group_by(UrgeRecordRow.item_id)
                .limit(LIMIT)
            )
        )
        requested = dict(
            (
                await self.session.execute(
                    select(UrgeRecordRow.item_id, func.max(UrgeRecordRow.sent_at))
                    .where(
                        UrgeRecordRow.rung == "progress",
                        UrgeRecordRow.item_id.in_([item_id for item_id, _ in rows]),
                    )
                    .group_by(UrgeRecordRow.item_id)
                )
            ).all()
        )
        return [(item_id, at, requested.get(item_id)) for item_id, at in rows]
