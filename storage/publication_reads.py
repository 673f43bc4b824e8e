"""Reads (and the few writes) behind bulletins, App Home, dossiers and the ledger.

Bulk reads load whole tables column-wise in a handful of queries (no per-item round trips), so a
bulletin over thousands of items stays a matter of milliseconds on the database side.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lifecycle import State
from bot.domain.repositories import BulletinRecord, UnansweredUrge
from bot.domain.statistics import EXCLUDED_STATES, NO_DEPARTMENT, ItemSnapshot, OfficeTimeline
from storage.db import is_postgres, to_db_utc
from storage.models import (
    BulletinRow,
    DepartmentMemberRow,
    DepartmentRow,
    DossierRow,
    ItemEventRow,
    ItemOwnerRow,
    ItemRow,
    ReportRow,
    ReviewRow,
    UrgeRecordRow,
    UserRow,
)

NOTICE_RUNG = "notice"  # the written urging notice (催办通知)
_DECISIONS = ("reviewed", "returned", "completed")


def _row_dict(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


class ReportingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- item snapshots ---------------------------------------------------------------------------

    async def departments(self) -> dict[str, tuple[str, str]]:
        """Department code -> (Chinese name, English name)."""
        rows = await self.session.execute(
            select(DepartmentRow.code, DepartmentRow.name_zh, DepartmentRow.name_en)
        )
        return {code: (zh, en) for code, zh, en in rows}

    async def lead_departments(self) -> dict[str, str]:
        """User id -> the code of their department (the first one if they have several)."""
        rows = await self.session.execute(
            select(DepartmentMemberRow.user_id, DepartmentRow.code)
            .join(DepartmentRow, DepartmentRow.id == DepartmentMemberRow.department_id)
            .order_by(DepartmentMemberRow.user_id, DepartmentRow.id)
        )
        result: dict[str, str] = {}
        for user_id, code in rows:
            result.setdefault(user_id, code)
        return result

    async def snapshots(self, *, item_ids: list[int] | None = None) -> list[ItemSnapshot]:
        stmt = select(
            ItemRow.id,
            ItemRow.number,
            ItemRow.title,
            ItemRow.state,
            ItemRow.original_due,
            ItemRow.current_due,
            ItemRow.created_at,
            ItemRow.completed_at,
            ItemRow.confidential,
            ItemRow.return_count,
            ItemRow.urge_round,
            ItemRow.escalated_at,
            ItemRow.health,
            ItemRow.fyi,
            ItemRow.lead_department_id,
        ).order_by(ItemRow.year, ItemRow.seq)
        if item_ids is not None:
            stmt = stmt.where(ItemRow.id.in_(item_ids))
        items = list(await self.session.execute(stmt))
        leads = dict(
            (
                await self.session.execute(
                    select(ItemOwnerRow.item_id, ItemOwnerRow.user_id).where(ItemOwnerRow.role == "lead")
                )
            ).all()
        )
        member_of = await self.lead_departments()
        codes = dict((await self.session.execute(select(DepartmentRow.id, DepartmentRow.code))).all())
        # Only notices actually sent count: one still waiting in the queue has not been urged yet.
        notices_stmt = (
            select(UrgeRecordRow.item_id, UrgeRecordRow.sent_at, UrgeRecordRow.answered_at)
            .where(UrgeRecordRow.rung == NOTICE_RUNG, UrgeRecordRow.sent_at.is_not(None))
            .order_by(UrgeRecordRow.item_id, UrgeRecordRow.sent_at)
        )
        if item_ids is not None:
            notices_stmt = notices_stmt.where(UrgeRecordRow.item_id.in_(item_ids))
        notices: dict[int, list[tuple[datetime, datetime | None]]] = {}
        for item_id, sent_at, answered_at in await self.session.execute(notices_stmt):
            notices.setdefault(item_id, []).append((sent_at, answered_at))
        issued_at, final_at = await self._issue_and_final_report_times(item_ids)
        returns_stmt = (
            select(ItemEventRow.item_id, ItemEventRow.at)
            .where(ItemEventRow.kind == "returned")
            .order_by(ItemEventRow.item_id, ItemEventRow.seq)
        )
        if item_ids is not None:
            returns_stmt = returns_stmt.where(ItemEventRow.item_id.in_(item_ids))
        returned_at: dict[int, list[datetime]] = {}
        for item_id, at in await self.session.execute(returns_stmt):
            returned_at.setdefault(item_id, []).append(at)
        result = []
        for row in items:
            lead = leads.get(row.id)
            department = codes.get(row.lead_department_id) if row.lead_department_id else None
            department = department or member_of.get(lead or "", NO_DEPARTMENT)
            result.append(
                ItemSnapshot(
                    number=row.number,
                    title=row.title,
                    department=department,
                    state=State(row.state),
                    # FYI transfers (转办单) need no report: they have no deadline to be judged against.
                    original_due=None if row.fyi else row.original_due,
                    current_due=None if row.fyi else row.current_due,
                    created_at=row.created_at,
                    completed_at=row.completed_at,
                    confidential=row.confidential,
                    return_count=row.return_count or 0,
                    returned_at=tuple(returned_at.get(row.id, ())),
                    urge_round=row.urge_round or 0,
                    escalated_at=row.escalated_at,
                    health=row.health,
                    unanswered_notice=any(answered is None for _, answered in notices.get(row.id, ())),
                    item_id=row.id,
                    lead_id=lead,
                    issued_at=issued_at.get(row.id),
                    final_reported_at=final_at.get(row.id),
                    notices=tuple(notices.get(row.id, ())),
                )
            )
        return result

    async def _issue_and_final_report_times(
        self, item_ids: list[int] | None
    ) -> tuple[dict[int, datetime], dict[int, datetime]]:
        """Item id -> when it was first issued (交办), and -> the lead's latest final report."""
        stmt = (
            select(ItemEventRow.item_id, ItemEventRow.kind, ItemEventRow.at, ItemEventRow.payload)
            .where(ItemEventRow.kind.in_(("issued", "final_reported")))
            .order_by(ItemEventRow.item_id, ItemEventRow.seq)
        )
        if item_ids is not None:
            stmt = stmt.where(ItemEventRow.item_id.in_(item_ids))
        issued: dict[int, datetime] = {}
        final: dict[int, datetime] = {}
        for item_id, kind, at, payload in await self.session.execute(stmt):
            if kind == "issued":
                issued.setdefault(item_id, at)
            elif (payload or {}).get("part") != "co":  # a co-owner's part is not the unit's report
                final[item_id] = at
        return issued, final

    async def has_items_created_before(self, instant: datetime) -> bool:
        found = await self.session.scalar(
            select(ItemRow.id).where(ItemRow.created_at < to_db_utc(instant)).limit(1)
        )
        return found is not None

    async def office_timelines(self, since: datetime) -> list[OfficeTimeline]:
        """Registration, issue and review times of items with office work on or after ``since``.

        Only the lead's final report waits for the office's review: a co-owner's part
        (``part == "co"``) goes to the lead, not to review. Rejected proposals are left out.
        """
        rows = await self.session.execute(
            select(ItemEventRow.item_id, ItemEventRow.kind, ItemEventRow.at, ItemEventRow.payload)
            .where(
                ItemEventRow.item_id.in_(
                    select(ItemEventRow.item_id).where(ItemEventRow.at >= to_db_utc(since)).distinct()
                ),
                ItemEventRow.item_id.not_in(
                    select(ItemRow.id).where(ItemRow.state.in_(sorted(EXCLUDED_STATES)))
                ),
                ItemEventRow.kind.in_(
                    ("registered", "issued", "state_changed", "final_reported", *_DECISIONS)
                ),
            )
            .order_by(ItemEventRow.item_id, ItemEventRow.seq)
        )
        timelines: dict[int, dict[str, Any]] = {}
        for item_id, kind, at, payload in rows:
            entry = timelines.setdefault(
                item_id, {"registered": None, "issued": None, "proposed": None, "reviews": []}
            )
            if kind in ("registered", "issued"):
                entry[kind] = entry[kind] or at
            elif kind == "state_changed":
                if (payload or {}).get("new") == "pending_approval":
                    entry["proposed"] = entry["proposed"] or at
            elif kind == "final_reported":
                if (payload or {}).get("part") == "co":
                    continue  # a co-owner's part: nothing for the office to review
                entry["reviews"].append([at, None])
            elif entry["reviews"] and entry["reviews"][-1][1] is None:
                entry["reviews"][-1][1] = at
        received: dict[int, Any] = {}
        if timelines:
            found = await self.session.execute(
                select(ItemRow.id, ItemRow.received_on).where(
                    ItemRow.id.in_(list(timelines)), ItemRow.received_on.is_not(None)
                )
            )
            received = {item_id: day for item_id, day in found}
        return [
            OfficeTimeline(
                e["registered"],
                e["issued"],
                tuple((a, b) for a, b in e["reviews"]),
                e["proposed"],
                received.get(item_id),
            )
            for item_id, e in timelines.items()
            if e["registered"] is not None
        ]

    # -- bulletins (the unique (kind, period_key) row is the exactly-once claim) -------------------

    async def bulletin(self, kind: str, period_key: str) -> BulletinRecord | None:
        row = await self.session.scalar(
            select(BulletinRow).where(BulletinRow.kind == kind, BulletinRow.period_key == period_key)
        )
        if row is None:
            return None
        return BulletinRecord(
            row.kind, row.period_key, row.status, row.created_at, row.posted_at, row.channel
        )

    async def claim_bulletin(
        self, kind: str, period_key: str, *, claimed_by: str, channel: str, now: datetime
    ) -> bool:
        """Insert the bulletin row; False when another process (or an earlier run) already has it.

        ``ON CONFLICT DO NOTHING`` keeps the caller's transaction usable on PostgreSQL; a concurrent
        claimer waits for the first transaction and then finds the row.
        """
        insert = postgresql.insert if is_postgres(self.session) else sqlite.insert
        stmt = (
            insert(BulletinRow)
            .values(
                kind=kind,
                period_key=period_key,
                status="claimed",
                claimed_by=claimed_by,
                created_at=to_db_utc(now),
                channel=channel,
                content={},
            )
            .on_conflict_do_nothing(index_elements=[BulletinRow.kind, BulletinRow.period_key])
            .returning(BulletinRow.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def mark_bulletin_queued(
        self, kind: str, period_key: str, *, content: dict[str, Any], now: datetime
    ) -> None:
        await self.session.execute(
            update(BulletinRow)
            .where(BulletinRow.kind == kind, BulletinRow.period_key == period_key)
            .values(status="queued", posted_at=to_db_utc(now), content=content)
        )

    async def urgings_sent(self, start: datetime, end: datetime) -> list[tuple[str, str]]:
        """(rung, channel) of every urging sent in [start, end) on items that count (催办方式)."""
        rows = await self.session.execute(
            select(UrgeRecordRow.rung, UrgeRecordRow.channel).where(
                UrgeRecordRow.sent_at >= to_db_utc(start),
                UrgeRecordRow.sent_at < to_db_utc(end),
                UrgeRecordRow.item_id.not_in(
                    select(ItemRow.id).where(ItemRow.state.in_(sorted(EXCLUDED_STATES)))
                ),
            )
        )
        return [(rung, channel) for rung, channel in rows]

    # -- App Home ---------------------------------------------------------------------------------

    async def unanswered_urges(self, limit: int = 200) -> list[UnansweredUrge]:
        rows = await self.session.execute(
            select(
                UrgeRecordRow.item_id, UrgeRecordRow.rung, UrgeRecordRow.recipient_id, UrgeRecordRow.sent_at
            )
            .where(UrgeRecordRow.answered_at.is_(None), UrgeRecordRow.sent_at.is_not(None))
            .order_by(UrgeRecordRow.sent_at)
            .limit(limit)
        )
        return [UnansweredUrge(*row) for row in rows]

    async def owned_item_ids(self, user_id: str) -> list[int]:
        return list(
            await self.session.scalars(select(ItemOwnerRow.item_id).where(ItemOwnerRow.user_id == user_id))
        )

    async def owners(self) -> dict[int, list[str]]:
        """Item id -> its owners' names (lead first; the user id when no name is known)."""
        rows = await self.session.execute(
            select(ItemOwnerRow.item_id, ItemOwnerRow.user_id, UserRow.name)
            .outerjoin(UserRow, UserRow.user_id == ItemOwnerRow.user_id)
            .order_by(ItemOwnerRow.item_id, ItemOwnerRow.role != "lead", ItemOwnerRow.position)
        )
        result: dict[int, list[str]] = {}
        for item_id, user_id, name in rows:
            result.setdefault(item_id, []).append(name or user_id)
        return result

    # -- the dossier (一事一卷) ------------------------------------------------------------------

    async def dossier_parts(self, item_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every urging record, report and review of an item, as plain dictionaries in time order."""
        parts: dict[str, list[dict[str, Any]]] = {}
        for name, model in (("urges", UrgeRecordRow), ("reports", ReportRow), ("reviews", ReviewRow)):
            rows = await self.session.scalars(
                select(model).where(model.item_id == item_id).order_by(model.created_at, model.id)  # type: ignore[attr-defined]
            )
            parts[name] = [_row_dict(r) for r in rows]
        return parts

    async def save_dossier(
        self, item_id: int, *, html: str, data: dict[str, Any], by: str, now: datetime
    ) -> None:
        row = await self.session.scalar(select(DossierRow).where(DossierRow.item_id == item_id))
        if row is None:
            row = DossierRow(item_id=item_id)
            self.session.add(row)
        row.html, row.data, row.created_at, row.created_by = html, data, to_db_utc(now), by
        await self.session.flush()

    async def dossier(self, item_id: int) -> tuple[str, dict[str, Any], datetime] | None:
        row = await self.session.scalar(select(DossierRow).where(DossierRow.item_id == item_id))
        return (row.html, dict(row.data), row.created_at) if row else None

    async def count_items(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(ItemRow)) or 0)
