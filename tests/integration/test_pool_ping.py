"""PostgreSQL connections are pinged only after sitting idle (storage.db._ping_when_idle): one whose server
process went away while it was idle is replaced before use, and a busy pool pings nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.db


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT pg_backend_pid()")))


async def test_an_idle_connection_whose_server_process_died_is_replaced(
    engine: AsyncEngine, engine_factory, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL pool behaviour")
    monkeypatch.setattr(storage.db, "PING_IDLE_S", 0.0)  # every connection back in the pool counts as idle
    first = await _backend_pid(engine)
    async with engine_factory().connect() as admin:
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    assert await _backend_pid(engine) != first  # pinged, found dead, replaced: no error


async def test_a_recently_used_connection_is_not_pinged(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL pool behaviour")
    pings = 0
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).dbapi_connection
        original = type(raw).ping

        def counting(self):  # type: ignore[no-untyped-def]
            nonlocal pings
            pings += 1
            return original(self)

        monkeypatch.setattr(type(raw), "ping", counting)
    for _ in range(3):
        await _backend_pid(engine)
    assert pings == 0
    monkeypatch.setattr(storage.db, "PING_IDLE_S", 0.0)
    await _backend_pid(engine)
    assert pings == 1
