"""Urging records, the urging schedule and extension requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import DuplicateRequest
from bot.domain.urge_records import ExtensionRequest, UrgeRecord
from bot.domain.urging import NOTICE_REPEAT_BASE
from storage.models import ExtensionRequestRow, ItemEventRow, UrgeRecordRow

_RECORD_FIELDS = (
    "item_id",
    "rung",
    "round",
    "idem_key",
    "recipient_id",
    "sent_at",
    "created_at",
    "channel",
    "actor_id",
    "note",
    "answer",
    "answer_note",
    "answered_at",
    "answered_by",
    "latency_seconds",
    "scheduled_for",
    "details",
)


def _record(row: UrgeRecordRow) -> UrgeRecord:
    return UrgeRecord(id=row.id, **{name: getattr(row, name) for name in _RECORD_FIELDS})


def _request(row: ExtensionRequestRow) -> ExtensionRequest:
    return ExtensionRequest(
        id=row.id,
        item_id=row.item_id,
        requester_id=row.requester_id,
        requested_due=row.requested_due,
        reason=row.reason,
        created_at=row.created_at,
        status=row.status,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
    )


class UrgingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: UrgeRecord) -> UrgeRecord | None:
        """Insert; None when a record with the same idempotency key exists (it was already done)."""
        existing = await self.session.scalar(
            select(UrgeRecordRow.id).where(UrgeRecordRow.idem_key == record.idem_key)
        )
        if existing is not None:
            return None
        row = UrgeRecordRow(**{name: getattr(record, name) for name in _RECORD_FIELDS})
        self.session.add(row)
        await self.session.flush()
        record.id = row.id
        return record

    async def get(self, record_id: int, *, for_update: bool = False) -> UrgeRecord | None:
        stmt = select(UrgeRecordRow).where(UrgeRecordRow.id == record_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        return _record(row) if row else None

    async def for_item(self, item_id: int) -> list[UrgeRecord]:
        rows = await self.session.scalars(
            select(UrgeRecordRow).where(UrgeRecordRow.item_id == item_id).order_by(UrgeRecordRow.id)
        )
        return [_record(r) for r in rows]

    async def save_answer(self, record: UrgeRecord) -> None:
        row = await self.session.get(UrgeRecordRow, record.id)
        assert row is not None
        row.answer, row.answer_note = record.answer, record.answer_note
        row.answered_at, row.answered_by = record.answered_at, record.answered_by
        row.latency_seconds = record.latency_seconds
        row.sent_at = record.sent_at
        await self.session.flush()

    async def answer_open(self, item_id: int, user_id: str, *, answer: str, now: datetime) -> int:
        """Mark this person's unanswered check-ins of the item as answered (by a report, an extension
        request). The written urging notice is answered only through its own form, so it stays open."""
        rows = list(
            await self.session.scalars(
                select(UrgeRecordRow).where(
                    UrgeRecordRow.item_id == item_id,
                    UrgeRecordRow.recipient_id == user_id,
                    UrgeRecordRow.answered_at.is_(None),
                    UrgeRecordRow.rung.in_(("checkin", "repeat", "due", "manual", "progress")),
                    UrgeRecordRow.round < NOTICE_REPEAT_BASE,
                )
            )
        )
        return await self._mark_answered(rows, answer, user_id, now)

    async def answer_open_acks(self, item_id: int, user_id: str, *, now: datetime) -> int:
        """Reminders to acknowledge (rung ``ack``) are answered by the acknowledgement."""
        rows = list(
            await self.session.scalars(
                select(UrgeRecordRow).where(
                    UrgeRecordRow.item_id == item_id,
                    UrgeRecordRow.recipient_id == user_id,
                    UrgeRecordRow.answered_at.is_(None),
                    UrgeRecordRow.rung == "ack",
                )
            )
        )
        return await self._mark_answered(rows, "acknowledged", user_id, now)

    async def close_escalations(self, item_id: int, by: str, *, now: datetime) -> list[UrgeRecord]:
        """The owner answered: the item's open escalations are settled (for the leaders and the office)."""
        rows = list(
            await self.session.scalars(
                select(UrgeRecordRow).where(
                    UrgeRecordRow.item_id == item_id,
                    UrgeRecordRow.answered_at.is_(None),
                    UrgeRecordRow.rung == "escalation",
                    UrgeRecordRow.sent_at.is_not(None),
                )
            )
        )
        await self._mark_answered(rows, "owner_answered", by, now)
        return [_record(r) for r in rows]

    async def answer_open_notices(self, item_id: int, user_id: str, *, now: datetime) -> int:
        """The written notice and every copy of it (repeats, re-sends) to this person count as answered."""
        rows = list(
            await self.session.scalars(
                select(UrgeRecordRow).where(
                    UrgeRecordRow.item_id == item_id,
                    UrgeRecordRow.recipient_id == user_id,
                    UrgeRecordRow.answered_at.is_(None),
                    (UrgeRecordRow.rung == "notice") | (UrgeRecordRow.round >= NOTICE_REPEAT_BASE),
                )
            )
        )
        return await self._mark_answered(rows, "notice_answered", user_id, now)

    async def _mark_answered(
        self, rows: list[UrgeRecordRow], answer: str, user_id: str, now: datetime
    ) -> int:
        for row in rows:
            row.answer, row.answered_at, row.answered_by = answer, now, user_id
            if row.sent_at is not None:
                row.latency_seconds = int((now - row.sent_at).total_seconds())
        await self.session.flush()
        return len(rows)

    async def add_extension(
        self, request: ExtensionRequest, *, request_key: str | None
    ) -> ExtensionRequest | None:
        if request_key and await self.session.scalar(
            select(ExtensionRequestRow.id).where(ExtensionRequestRow.request_key == request_key)
        ):
            return None
        row = ExtensionRequestRow(
            item_id=request.item_id,
            requester_id=request.requester_id,
            requested_due=request.requested_due,
            reason=request.reason,
            status=request.status,
            created_at=request.created_at,
            decision_note="",
            request_key=request_key,
        )
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError as error:  # the same request raced itself past the check above
            if request_key:
                raise DuplicateRequest(request_key) from error
            raise
        request.id = row.id
        return request

    async def extension(self, request_id: int, *, for_update: bool = False) -> ExtensionRequest | None:
        stmt = select(ExtensionRequestRow).where(ExtensionRequestRow.id == request_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        return _request(row) if row else None

    async def pending_extensions(self, item_id: int) -> list[ExtensionRequest]:
        rows = await self.session.scalars(
            select(ExtensionRequestRow)
            .where(ExtensionRequestRow.item_id == item_id, ExtensionRequestRow.status == "pending")
            .order_by(ExtensionRequestRow.id)
        )
        return [_request(r) for r in rows]

    async def issued_at(self, item_id: int) -> datetime | None:
        """When the item was first issued (交办): the units' clock, and the urging ladder, start there."""
        return await self.session.scalar(
            select(ItemEventRow.at)
            .where(ItemEventRow.item_id == item_id, ItemEventRow.kind == "issued")
            .order_by(ItemEventRow.seq)
            .limit(1)
        )

    async def latest_extension(self, item_id: int) -> ExtensionRequest | None:
        """The item's most recent extension request, whatever became of it."""
        row = await self.session.scalar(
            select(ExtensionRequestRow)
            .where(ExtensionRequestRow.item_id == item_id)
            .order_by(ExtensionRequestRow.id.desc())
            .limit(1)
        )
        return _request(row) if row else None

    async def decide_extension(self, request: ExtensionRequest) -> None:
        row = await self.session.get(ExtensionRequestRow, request.id)
        assert row is not None
        row.status, row.decided_by, row.decided_at = request.status, request.decided_by, request.decided_at
        row.decision_note = request.decision_note
        await self.session.flush()
