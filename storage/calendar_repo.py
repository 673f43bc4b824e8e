"""The working-day calendar's overrides and confirmed years (never commits)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CalendarOverrideRow,
    CalendarYearRow,
)


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def overrides(self) -> dict[date, bool]:
        rows = await self.session.scalars(select(CalendarOverrideRow))
        return {r.day: r.is_workday for r in rows}

    async def confirmed_years(self) -> set[int]:
        return set(await self.session.scalars(select(CalendarYearRow.year)))

    async def set_override(self, day: date, is_workday: bool, note: str, *, by: str, now: datetime) -> None:
        row = await self.session.get(CalendarOverrideRow, day)
        if row is None:
            row = CalendarOverrideRow(day=day)
            self.session.add(row)
        row.is_workday, row.note, row.created_by, row.created_at = is_workday, note, by, now
        await self.session.flush()

    async def clear_override(self, day: date, until: date | None = None) -> int:
        """Remove the overrides from ``day`` to ``until`` (inclusive); how many there were."""
        result = await self.session.execute(
            delete(CalendarOverrideRow).where(
                CalendarOverrideRow.day >= day, CalendarOverrideRow.day <= (until or day)
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def confirm_year(self, year: int, *, by: str, now: datetime) -> None:
        if await self.session.get(CalendarYearRow, year) is None:
            self.session.add(CalendarYearRow(year=year, confirmed_by=by, confirmed_at=now))
            await self.session.flush()

    async def confirmation(self, year: int) -> tuple[str | None, datetime | None] | None:
        """Who confirmed ``year`` and when, or ``None`` if nobody did."""
        row = await self.session.get(CalendarYearRow, year)
        return (row.confirmed_by, row.confirmed_at) if row is not None else None

    async def override_details(self, year: int) -> dict[date, tuple[str, str | None, datetime | None]]:
        """The overrides of ``year``: day -> (note, entered by, entered at)."""
        rows = await self.session.scalars(
            select(CalendarOverrideRow).where(
                CalendarOverrideRow.day >= date(year, 1, 1), CalendarOverrideRow.day <= date(year, 12, 31)
            )
        )
        return {r.day: (r.note, r.created_by, r.created_at) for r in rows}

    async def list_overrides(self, year: int) -> list[tuple[date, bool, str]]:
        rows = await self.session.scalars(
            select(CalendarOverrideRow)
            .where(CalendarOverrideRow.day >= date(year, 1, 1), CalendarOverrideRow.day <= date(year, 12, 31))
            .order_by(CalendarOverrideRow.day)
        )
        return [(r.day, r.is_workday, r.note) for r in rows]
