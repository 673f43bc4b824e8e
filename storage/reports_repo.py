"""Reports, reviews, sub-items and the office's own time limits (the reports feature's queries)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import DuplicateRequest
from bot.domain.items import OwnerRole
from bot.domain.lifecycle import State
from bot.domain.reports import REVIEWABLE_STATES, ChildSummary, ReportRecord
from storage.db import to_db_utc
from storage.models import InboundRequestRow, ItemOwnerRow, ItemRow, ReportRow, ReviewRow
from storage.outbox import _insert_for


def _report(row: ReportRow) -> ReportRecord:
    return ReportRecord(
        row.id,
        row.item_id,
        row.author_id,
        row.kind,
        row.percent,
        row.status,
        row.done,
        row.problems,
        row.next_steps,
        row.expected_date,
        row.source,
        row.created_at,
        row.links,
    )


async def _flush_once(session: AsyncSession, request_key: str | None) -> None:
    """Flush a row carrying a unique request key; a second row for the key is ``DuplicateRequest``."""
    try:
        await session.flush()
    except IntegrityError as error:
        if request_key is not None:
            raise DuplicateRequest(request_key) from error
        raise


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_report(
        self,
        *,
        item_id: int,
        author_id: str,
        kind: str,
        now: datetime,
        request_key: str | None,
        percent: int | None = None,
        status: str | None = None,
        done: str = "",
        problems: str = "",
        next_steps: str = "",
        expected_date: date | None = None,
        links: str = "",
        source: str = "form",
    ) -> int:
        row = ReportRow(
            item_id=item_id,
            author_id=author_id,
            kind=kind,
            percent=percent,
            status=status,
            done=done,
            problems=problems,
            next_steps=next_steps,
            expected_date=expected_date,
            links=links,
            source=source,
            created_at=now,
            request_key=request_key,
        )
        self.session.add(row)
        await _flush_once(self.session, request_key)
        return row.id

    async def report_by_key(self, key: str) -> ReportRecord | None:
        row = await self.session.scalar(select(ReportRow).where(ReportRow.request_key == key))
        return _report(row) if row else None

    async def latest_report(
        self, item_id: int, *, kinds: tuple[str, ...], author_id: str | None = None
    ) -> ReportRecord | None:
        stmt = select(ReportRow).where(ReportRow.item_id == item_id, ReportRow.kind.in_(kinds))
        if author_id is not None:
            stmt = stmt.where(ReportRow.author_id == author_id)
        row = await self.session.scalar(stmt.order_by(ReportRow.id.desc()).limit(1))
        return _report(row) if row else None

    async def authors(self, item_id: int) -> set[str]:
        return set(
            await self.session.scalars(select(ReportRow.author_id).where(ReportRow.item_id == item_id))
        )

    async def add_review(
        self,
        *,
        item_id: int,
        report_id: int | None,
        reviewer_id: str,
        decision: str,
        checklist: dict[str, bool],
        reasons: str,
        new_due: date | None,
        now: datetime,
        request_key: str | None,
    ) -> int:
        row = ReviewRow(
            item_id=item_id,
            report_id=report_id,
            reviewer_id=reviewer_id,
            decision=decision,
            checklist=checklist,
            reasons=reasons,
            new_due=new_due,
            created_at=now,
            request_key=request_key,
        )
        self.session.add(row)
        await _flush_once(self.session, request_key)
        return row.id

    async def review_exists(self, key: str) -> bool:
        return (
            await self.session.scalar(select(ReviewRow.id).where(ReviewRow.request_key == key))
        ) is not None

    async def children(self, parent_id: int) -> list[ChildSummary]:
        rows = (
            await self.session.execute(
                select(
                    ItemRow.id,
                    ItemRow.number,
                    ItemRow.title,
                    ItemRow.state,
                    ItemRow.percent_done,
                    ItemRow.confidential,
                )
                .where(ItemRow.parent_id == parent_id)
                .order_by(ItemRow.year, ItemRow.seq)
            )
        ).all()
        leads = dict(
            (
                await self.session.execute(
                    select(ItemOwnerRow.item_id, ItemOwnerRow.user_id).where(
                        ItemOwnerRow.item_id.in_([r.id for r in rows]),
                        ItemOwnerRow.role == OwnerRole.LEAD.value,
                    )
                )
            ).all()
        )
        return [
            ChildSummary(
                r.id, r.number, r.title, State(r.state), r.percent_done, leads.get(r.id), r.confidential
            )
            for r in rows
        ]

    async def waiting_for_review(self, *, due_before: date, limit: int = 500) -> list[int]:
        """Items whose review limit ended before ``due_before`` and that still wait for review."""
        return list(
            await self.session.scalars(
                select(ItemRow.id)
                .where(
                    ItemRow.state.in_([s.value for s in REVIEWABLE_STATES]),
                    ItemRow.review_due < due_before,
                )
                .order_by(ItemRow.review_due, ItemRow.id)
                .limit(limit)
            )
        )

    async def first_time(self, key: str, now: datetime) -> bool:
        """Record an inbound request or a once-only job step; False when ``key`` was seen before."""
        stmt = (
            _insert_for(self.session)(InboundRequestRow)
            .values(key=key[:128], received_at=to_db_utc(now))
            .on_conflict_do_nothing(index_elements=[InboundRequestRow.key])
            .returning(InboundRequestRow.key)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def forget_requests_before(self, before: datetime) -> int:
        """Drop idempotency keys older than ``before`` (Slack never replays a request that old)."""
        result = await self.session.execute(
            delete(InboundRequestRow).where(InboundRequestRow.received_at < to_db_utc(before))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def change_lead(self, item_id: int, new_lead: str) -> None:
        """Before issue, a leader may name another lead owner (拟办 changed on approval)."""
        owners = {
            r.user_id: r
            for r in await self.session.scalars(select(ItemOwnerRow).where(ItemOwnerRow.item_id == item_id))
        }
        old = next(r for r in owners.values() if r.role == OwnerRole.LEAD.value)
        if old.user_id == new_lead:
            return
        if new_lead in owners:  # a co-owner becomes lead, the old lead a co-owner
            owners[new_lead].role, old.role = OwnerRole.LEAD.value, OwnerRole.CO.value
            owners[new_lead].position, old.position = old.position, owners[new_lead].position
        else:
            await self.session.execute(
                update(ItemOwnerRow)
                .where(ItemOwnerRow.item_id == item_id, ItemOwnerRow.user_id == old.user_id)
                .values(user_id=new_lead, acknowledged_at=None)
            )
        await self.session.flush()

    async def set_original_due(self, item_id: int, due: date) -> None:
        """Only before issue (a leader changes the proposed deadline); afterwards it never changes."""
        await self.session.execute(update(ItemRow).where(ItemRow.id == item_id).values(original_due=due))
