"""Storage side of item corrections: owners swapped, urgings moved or stopped, people found by email."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.items import Owner
from storage.models import ItemOwnerRow, NumberCounterRow, OutboxRow, UrgeRecordRow, UserRow
from storage.outbox import PENDING, _insert_for

URGE_PURPOSE = "urge:%"


class CorrectionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace_owner(self, item_id: int, old_id: str, new: Owner) -> None:
        """The new owner takes the old one's role and position (and starts unacknowledged)."""
        row = await self.session.get(ItemOwnerRow, (item_id, old_id))
        assert row is not None
        role, position = row.role, row.position
        await self.session.delete(row)
        await self.session.flush()
        self.session.add(
            ItemOwnerRow(
                item_id=item_id, user_id=new.user_id, role=role, position=position, acknowledged_at=None
            )
        )
        await self.session.flush()

    async def move_open_urgings(self, item_id: int, old_id: str, new_id: str) -> int:
        """Unanswered urgings of the old owner now wait for the new one; queued urging DMs go to them."""
        moved = await self.session.execute(
            update(UrgeRecordRow)
            .where(
                UrgeRecordRow.item_id == item_id,
                UrgeRecordRow.recipient_id == old_id,
                UrgeRecordRow.answered_at.is_(None),
            )
            .values(recipient_id=new_id)
            .execution_options(synchronize_session=False)
        )
        queued = await self.session.scalars(
            select(OutboxRow).where(
                OutboxRow.item_id == item_id,
                OutboxRow.status == PENDING,
                OutboxRow.recipient_id == old_id,
                OutboxRow.purpose.like(URGE_PURPOSE),
            )
        )
        for row in queued:
            row.payload = {**row.payload, "channel": new_id}
            row.recipient_id = new_id
        await self.session.flush()
        return int(moved.rowcount or 0)  # type: ignore[attr-defined]

    async def cancel_queued_urgings(self, item_id: int) -> int:
        """Urging DMs of the item not sent yet are dropped (a withdrawn item is never urged)."""
        result = await self.session.execute(
            delete(OutboxRow)
            .where(
                OutboxRow.item_id == item_id,
                OutboxRow.status == PENDING,
                OutboxRow.purpose.like(URGE_PURPOSE),
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def find_by_email(self, email: str) -> list[str]:
        rows = await self.session.scalars(
            select(UserRow.user_id).where(func.lower(UserRow.email) == email.strip().lower())
        )
        return list(rows)

    async def mark_deleted(self, user_id: str) -> None:
        """Slack said the account is deactivated: nobody can be given new items in their name."""
        row = await self.session.get(UserRow, user_id)
        if row is not None:
            row.deleted = True
            await self.session.flush()

    async def counter(self, year: int) -> int:
        """The last number issued in ``year`` (0 when none)."""
        return int(
            await self.session.scalar(select(NumberCounterRow.last_seq).where(NumberCounterRow.year == year))
            or 0
        )

    async def raise_counter(self, year: int, seq: int) -> int:
        """Numbering of ``year`` continues after ``seq`` (never goes back); returns the last number now."""
        await self.session.execute(
            _insert_for(self.session)(NumberCounterRow)
            .values(year=year, last_seq=0)
            .on_conflict_do_nothing(index_elements=[NumberCounterRow.year])
        )
        await self.session.execute(
            update(NumberCounterRow)
            .where(NumberCounterRow.year == year, NumberCounterRow.last_seq < seq)
            .values(last_seq=seq)
            .execution_options(synchronize_session=False)
        )
        return await self.counter(year)
