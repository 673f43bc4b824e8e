"""Idempotency keys are forgotten after their retention period, so the database grows with items only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import InboundRequestRow
from tests.e2e.conftest import World


async def test_the_sweep_forgets_idempotency_keys_after_thirty_days(world: World) -> None:
    now = world.clock.now()
    async with world.runtime.sessions.begin() as session:
        session.add(InboundRequestRow(key="old", received_at=now - timedelta(days=31)))
        session.add(InboundRequestRow(key="recent", received_at=now - timedelta(days=29)))
    await world.tick()
    keys = {row.key for row in await world.rows(select(InboundRequestRow))}
    assert "old" not in keys and "recent" in keys
