"""The dossier: per-item seq is gap-free and unique even when appends race."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import as_utc, make_session_factory
from storage.events import append_event, list_events
from tests.integration.factories import T0, make_item


async def test_append_and_list(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as session:
        item_id = await make_item(session)
        shanghai = T0.astimezone(timezone(timedelta(hours=8)))
        assert (
            await append_event(
                session, item_id=item_id, kind="registered", at=shanghai, actor_id="U1", payload={"t": "立项"}
            )
            == 1
        )
        assert (
            await append_event(session, item_id=item_id, kind="issued", at=T0, actor_id=None, payload={}) == 2
        )
    async with session_factory() as session:
        events = await list_events(session, item_id)
    assert [(e.seq, e.kind) for e in events] == [(1, "registered"), (2, "issued")]
    assert events[0].payload == {"t": "立项"} and as_utc(events[0].at) == T0


async def test_concurrent_appends_get_distinct_gap_free_seqs(
    engine_factory: Callable[[], AsyncEngine],
) -> None:
    factories = [make_session_factory(engine_factory()), make_session_factory(engine_factory())]
    async with factories[0].begin() as session:
        item_id, other_id = await make_item(session, seq=1), await make_item(session, seq=2)

    async def append(i: int) -> int:
        async with factories[i % 2].begin() as session:
            seq = await append_event(
                session,
                item_id=item_id if i % 5 else other_id,
                kind="urged",
                at=T0,
                actor_id=None,
                payload={"i": i},
            )
            await asyncio.sleep(0.001)
            return seq

    await asyncio.gather(*(append(i) for i in range(40)))
    async with factories[0]() as session:
        main, other = await list_events(session, item_id), await list_events(session, other_id)
    assert [e.seq for e in main] == list(range(1, 33))
    assert [e.seq for e in other] == list(range(1, 9))


async def test_append_to_missing_item_fails(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session, session.begin():
        with pytest.raises(LookupError):
            await append_event(session, item_id=999, kind="urged", at=T0, actor_id=None, payload={})


async def test_an_item_locked_for_update_is_not_locked_again_per_event(
    session_factory: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    """An action that loaded its item FOR UPDATE appends its events without a row lock of their own;
    appends to an item the transaction does not hold still take one (PostgreSQL; SQLite needs none)."""
    from sqlalchemy import event

    from storage.repositories import ItemRepository

    async with session_factory.begin() as session:
        item_id, other_id = await make_item(session, seq=1), await make_item(session, seq=2)
    statements: list[str] = []
    async with session_factory.begin() as session:
        bind = (await session.connection()).sync_engine

        def seen(_conn: object, _cursor: object, sql: str, *_: object) -> None:
            statements.append(sql)

        event.listen(bind, "before_cursor_execute", seen)
        try:
            assert await ItemRepository(session).get(item_id, for_update=True) is not None
            statements.clear()
            for kind in ("acknowledged", "state_changed"):
                await append_event(session, item_id=item_id, kind=kind, at=T0, actor_id="U1", payload={})
            held = list(statements)
            statements.clear()
            await append_event(session, item_id=other_id, kind="urged", at=T0, actor_id=None, payload={})
            other = list(statements)
        finally:
            event.remove(bind, "before_cursor_execute", seen)
    assert len(held) == 2 and not any("FOR" in sql for sql in held), held
    if db_url.startswith("postgresql"):
        assert any("FOR NO KEY UPDATE" in sql for sql in other), other
    async with session_factory() as session:
        assert [e.seq for e in await list_events(session, item_id)] == [1, 2]
