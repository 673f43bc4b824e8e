"""Where item messages landed in Slack (never commits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import as_utc
from storage.models import OutboxRow, SlackMessageRow
from storage.outbox import PENDING, SENDING


class SlackMessageRepository:
    """Where item messages landed in Slack (recorded by the dispatcher once sent)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, item_id: int, purpose: str, user_id: str | None = None) -> tuple[str, str] | None:
        stmt = select(SlackMessageRow).where(
            SlackMessageRow.item_id == item_id, SlackMessageRow.purpose == purpose
        )
        if user_id is not None:
            stmt = stmt.where(SlackMessageRow.user_id == user_id)
        row = await self.session.scalar(stmt.order_by(SlackMessageRow.id.desc()).limit(1))
        return (row.channel, row.ts) if row else None

    async def all_for(self, item_id: int, purpose: str) -> list[tuple[str, str, str]]:
        """(user, channel, ts) of the latest message of ``purpose`` about the item to each person."""
        rows = await self.session.execute(
            select(SlackMessageRow.user_id, SlackMessageRow.channel, SlackMessageRow.ts)
            .where(SlackMessageRow.item_id == item_id, SlackMessageRow.purpose == purpose)
            .order_by(SlackMessageRow.id)
        )
        latest = {user_id: (channel, ts) for user_id, channel, ts in rows if user_id}
        return [(user_id, channel, ts) for user_id, (channel, ts) in latest.items()]

    async def item_for(self, channel: str, ts: str) -> tuple[int, str, str | None] | None:
        """The item, purpose and recipient a Slack message belongs to (for thread replies)."""
        row = await self.session.scalar(
            select(SlackMessageRow).where(SlackMessageRow.channel == channel, SlackMessageRow.ts == ts)
        )
        return (row.item_id, row.purpose, row.user_id) if row and row.item_id else None

    async def on_its_way(self, item_id: int, purpose: str, user_id: str | None = None) -> bool:
        return await self.post_on_its_way(item_id, purpose, user_id) is not None

    async def recipients_on_their_way(self, item_id: int, purpose: str) -> list[str]:
        rows = await self.session.scalars(
            select(OutboxRow.recipient_id)
            .where(
                OutboxRow.status.in_((PENDING, SENDING)),
                OutboxRow.item_id == item_id,
                OutboxRow.purpose == purpose,
                OutboxRow.method == "chat.postMessage",
                OutboxRow.recipient_id.is_not(None),
            )
            .distinct()
        )
        return sorted(user_id for user_id in rows if user_id)

    async def post_on_its_way(
        self, item_id: int, purpose: str, user_id: str | None = None
    ) -> tuple[bool, datetime] | None:
        """A post for the item and purpose (to the recipient) still queued or being posted: whether a worker
        is posting it now, and when it is next due. None when none is on its way (the status index finds
        it: only unsent rows are looked at)."""
        stmt = select(OutboxRow.status, OutboxRow.next_attempt_at).where(
            OutboxRow.status.in_((PENDING, SENDING)),
            OutboxRow.item_id == item_id,
            OutboxRow.purpose == purpose,
            OutboxRow.method == "chat.postMessage",
        )
        if user_id is not None:
            stmt = stmt.where(OutboxRow.recipient_id == user_id)
        row = (await self.session.execute(stmt.order_by(OutboxRow.id.desc()).limit(1))).one_or_none()
        return None if row is None else (row.status == SENDING, as_utc(row.next_attempt_at))
