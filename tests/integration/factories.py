"""Minimal rows that foreign keys need (a user, an item) for storage-level tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ItemRow, UserRow

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


async def make_item(session: AsyncSession, *, seq: int = 1, user_id: str = "U_ASSIGNER") -> int:
    """Insert an item (and its assigner when missing) and return its id; the caller commits."""
    if await session.get(UserRow, user_id) is None:
        session.add(UserRow(user_id=user_id, name="督办科"))
        await session.flush()  # no ORM relationship tells the unit of work to insert users first
    row = ItemRow(
        number=f"DB-2025-{seq:04d}",
        year=2025,
        seq=seq,
        title=f"事项 {seq}",
        source="meeting_decision",
        state="issued",
        assigner_id=user_id,
        original_due=date(2025, 3, 31),
        current_due=date(2025, 3, 31),
        created_at=T0,
        updated_at=T0,
    )
    session.add(row)
    await session.flush()
    return row.id
