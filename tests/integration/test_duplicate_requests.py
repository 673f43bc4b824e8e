"""Storage answers a second row for one request key with the domain's ``DuplicateRequest`` (the services
never see SQLAlchemy's IntegrityError), and the transaction that hit it rolls back whole."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.errors import DuplicateRequest
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, SourceKind
from bot.domain.lifecycle import State
from storage.models import ItemRow, ReportRow
from storage.uow import SqlUnitsOfWork
from tests.integration.factories import T0, make_item


def _item(seq: int) -> Item:
    return Item(
        id=None,
        number=ItemNumber(2025, seq),
        title=f"事项 {seq}",
        requirements="",
        source=SourceKind.MEETING_DECISION,
        state=State.ISSUED,
        assigner_id="U_ASSIGNER",
        owners=[Owner("U_ASSIGNER", OwnerRole.LEAD)],
        original_due=date(2025, 3, 31),
        current_due=date(2025, 3, 31),
        created_at=T0,
    )


async def test_a_second_item_for_one_request_key_is_a_duplicate_request(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    units = SqlUnitsOfWork(session_factory)
    async with session_factory.begin() as session:
        await make_item(session, seq=99)  # the assigner's user row
    async with units.begin() as uow:
        await uow.items.add(_item(1), request_key="req-1", now=T0)
    with pytest.raises(DuplicateRequest) as raised:
        async with units.begin() as uow:
            await uow.items.add(_item(2), request_key="req-1", now=T0)
    assert raised.value.key == "req-1"
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(ItemRow)) == 2  # 99 and 1


async def test_a_second_report_for_one_request_key_is_a_duplicate_request(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    units = SqlUnitsOfWork(session_factory)
    async with session_factory.begin() as session:
        item_id = await make_item(session)
    report = {"item_id": item_id, "author_id": "U_ASSIGNER", "kind": "progress", "now": T0, "done": "x"}
    async with units.begin() as uow:
        await uow.reports.add_report(**report, request_key="view-1")
    with pytest.raises(DuplicateRequest):
        async with units.begin() as uow:
            await uow.reports.add_report(**report, request_key="view-1")
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(ReportRow)) == 1
