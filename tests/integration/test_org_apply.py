"""The organisation file applied by replicas starting at the same moment: one consistent result."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.organisation import parse_org_file
from storage.db import make_session_factory
from storage.models import AdminAuditRow, DepartmentMemberRow, DepartmentRow
from storage.uow import unit_of_work

ORG = parse_org_file(
    """
[[department]]
code = "bgs"
name = "办公室"
head = "U0HEAD1"
members = ["U0A", "U0B"]

[[department]]
code = "fgk"
name = "发展改革科"
head = "U0HEAD2"
leader = "U0LEAD1"
members = ["U0C"]
"""
)
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


async def test_replicas_applying_the_same_file_together_agree(
    engine_factory: Callable[[], AsyncEngine],
) -> None:
    async def apply() -> None:
        async with unit_of_work(make_session_factory(engine_factory())) as uow:
            await uow.org.apply_file(ORG, now=NOW)

    await asyncio.gather(*(apply() for _ in range(3)))
    async with make_session_factory(engine_factory())() as session:
        codes = sorted(await session.scalars(select(DepartmentRow.code)))
        members = await session.scalar(select(func.count()).select_from(DepartmentMemberRow))
        added = await session.scalar(
            select(func.count()).select_from(AdminAuditRow).where(AdminAuditRow.action == "dept.add")
        )
    assert codes == ["bgs", "fgk"]
    assert members == 5  # three listed members and two heads
    assert added == 2  # audited once, by whichever replica came first
