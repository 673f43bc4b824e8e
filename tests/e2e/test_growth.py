"""Idempotency keys are forgotten after their retention period, so the database grows with items only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Base, InboundRequestRow
from tests.e2e.conftest import World


async def test_the_sweep_forgets_idempotency_keys_after_thirty_days(world: World) -> None:
    now = world.clock.now()
    async with world.runtime.sessions.begin() as session:
        session.add(InboundRequestRow(key="old", received_at=now - timedelta(days=31)))
        session.add(InboundRequestRow(key="recent", received_at=now - timedelta(days=29)))
    await world.tick()
    keys = {row.key for row in await world.rows(select(InboundRequestRow))}
    assert "old" not in keys and "recent" in keys


async def test_a_year_of_use_grows_with_items_and_keeps_idempotency_rows_bounded(world: World) -> None:
    """52 weeks: an assignment a week, the clock a week on, the sweep run. Idempotency keys stay at about a
    month's worth; every other table grows with the items (urgings stop at the ladder's last rung)."""

    async def sizes() -> dict[str, int]:
        counts = {}
        async with world.runtime.sessions() as session:
            for table in Base.metadata.sorted_tables:
                query = select(func.count()).select_from(table)
                counts[table.name] = (await session.execute(query)).scalar_one()
        return counts

    half: dict[str, int] = {}
    for week in range(52):
        reply = await world.command("U0LEADER", f"assign <@U0HEADA> 第{week + 1}周工作 due +5d")
        assert "DB-" in reply.text, reply.text
        world.advance(days=7)
        await world.tick()
        await world.deliver()
        if week == 25:
            half = await sizes()
    full = await sizes()
    assert full["items"] == 52 and half["items"] == 26
    assert full["inbound_requests"] <= 6, full["inbound_requests"]  # about 30 days of commands, not 52
    for table, count in full.items():
        # Linear in items: twice the items, at most a little more than twice the rows (never quadratic).
        assert count <= 2 * half[table] + 12, (table, half[table], count)
