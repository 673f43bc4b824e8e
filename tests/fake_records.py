"""In-memory urging and report repositories (tests/fakes.py), following storage's rules of what
counts as answered and which keys make a second insert a no-op."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot.domain.errors import DuplicateRequest
from bot.domain.items import Owner, OwnerRole
from bot.domain.reports import REVIEWABLE_STATES, ChildSummary, ReportRecord
from bot.domain.urge_records import ExtensionRequest, UrgeRecord
from bot.domain.urging import NOTICE_REPEAT_BASE
from tests.fake_tables import Repo

CHECKIN_RUNGS = ("checkin", "repeat", "due", "manual", "progress")


class FakeUrging(Repo):
    async def issued_at(self, item_id: int) -> datetime | None:
        return next((e.at for e in self.t.events.get(item_id, []) if e.kind == "issued"), None)

    async def add(self, record: UrgeRecord) -> UrgeRecord | None:
        if any(r.idem_key == record.idem_key for r in self.t.urges.values()):
            return None
        record.id = self.t.new_id()
        self.t.urges[record.id] = copy.deepcopy(record)
        return record

    async def get(self, record_id: int, *, for_update: bool = False) -> UrgeRecord | None:
        return copy.deepcopy(self.t.urges.get(record_id))

    async def for_item(self, item_id: int) -> list[UrgeRecord]:
        return copy.deepcopy([r for _, r in sorted(self.t.urges.items()) if r.item_id == item_id])

    async def save_answer(self, record: UrgeRecord) -> None:
        assert record.id is not None
        stored = self.t.urges[record.id]
        for name in ("answer", "answer_note", "answered_at", "answered_by", "latency_seconds", "sent_at"):
            setattr(stored, name, getattr(record, name))

    def _open(self, item_id: int, user_id: str | None) -> list[UrgeRecord]:
        return [
            r
            for _, r in sorted(self.t.urges.items())
            if r.item_id == item_id
            and r.answered_at is None
            and (user_id is None or r.recipient_id == user_id)
        ]

    @staticmethod
    def _mark(rows: list[UrgeRecord], answer: str, user_id: str, now: datetime) -> int:
        for r in rows:
            r.answer, r.answered_at, r.answered_by = answer, now, user_id
            if r.sent_at is not None:
                r.latency_seconds = int((now - r.sent_at).total_seconds())
        return len(rows)

    async def answer_open(self, item_id: int, user_id: str, *, answer: str, now: datetime) -> int:
        rows = [
            r
            for r in self._open(item_id, user_id)
            if r.rung in CHECKIN_RUNGS and r.round < NOTICE_REPEAT_BASE
        ]
        return self._mark(rows, answer, user_id, now)

    async def answer_open_acks(self, item_id: int, user_id: str, *, now: datetime) -> int:
        rows = [r for r in self._open(item_id, user_id) if r.rung == "ack"]
        return self._mark(rows, "acknowledged", user_id, now)

    async def close_escalations(self, item_id: int, by: str, *, now: datetime) -> list[UrgeRecord]:
        rows = [r for r in self._open(item_id, None) if r.rung == "escalation" and r.sent_at is not None]
        self._mark(rows, "owner_answered", by, now)
        return copy.deepcopy(rows)

    async def answer_open_notices(self, item_id: int, user_id: str, *, now: datetime) -> int:
        rows = [
            r for r in self._open(item_id, user_id) if r.rung == "notice" or r.round >= NOTICE_REPEAT_BASE
        ]
        return self._mark(rows, "notice_answered", user_id, now)

    async def add_extension(
        self, request: ExtensionRequest, *, request_key: str | None
    ) -> ExtensionRequest | None:
        if request_key and any(key == request_key for _, key in self.t.extensions.values()):
            return None
        request.id = self.t.new_id()
        self.t.extensions[request.id] = (copy.deepcopy(request), request_key)
        return request

    async def extension(self, request_id: int, *, for_update: bool = False) -> ExtensionRequest | None:
        found = self.t.extensions.get(request_id)
        return copy.deepcopy(found[0]) if found else None

    async def pending_extensions(self, item_id: int) -> list[ExtensionRequest]:
        return copy.deepcopy(
            [
                r
                for _, (r, _) in sorted(self.t.extensions.items())
                if r.item_id == item_id and r.status == "pending"
            ]
        )

    async def latest_extension(self, item_id: int) -> ExtensionRequest | None:
        mine = [r for _, (r, _) in sorted(self.t.extensions.items()) if r.item_id == item_id]
        return copy.deepcopy(mine[-1]) if mine else None

    async def decide_extension(self, request: ExtensionRequest) -> None:
        assert request.id is not None
        stored = self.t.extensions[request.id][0]
        stored.status, stored.decided_by, stored.decided_at = (
            request.status,
            request.decided_by,
            request.decided_at,
        )
        stored.decision_note = request.decision_note


class FakeReports(Repo):
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
        if request_key is not None and any(k == request_key for _, k in self.t.reports.values()):
            raise DuplicateRequest(request_key)  # the unique column refuses it
        report_id = self.t.new_id()
        record = ReportRecord(
            report_id, item_id, author_id, kind, percent, status, done, problems, next_steps,
            expected_date, source, now, links,
        )  # fmt: skip
        self.t.reports[report_id] = (record, request_key)
        return report_id

    async def report_by_key(self, key: str) -> ReportRecord | None:
        return next((r for r, k in self.t.reports.values() if k == key), None)

    async def latest_report(
        self, item_id: int, *, kinds: tuple[str, ...], author_id: str | None = None
    ) -> ReportRecord | None:
        mine = [
            r
            for _, (r, _) in sorted(self.t.reports.items())
            if r.item_id == item_id and r.kind in kinds and (author_id is None or r.author_id == author_id)
        ]
        return mine[-1] if mine else None

    async def authors(self, item_id: int) -> set[str]:
        return {r.author_id for r, _ in self.t.reports.values() if r.item_id == item_id}

    async def add_review(self, *, request_key: str | None, **values: Any) -> int:
        if request_key is not None and await self.review_exists(request_key):
            raise DuplicateRequest(request_key)  # the unique column refuses it
        review_id = self.t.new_id()
        self.t.reviews[review_id] = {"id": review_id, "request_key": request_key, **values}
        return review_id

    async def review_exists(self, key: str) -> bool:
        return any(r["request_key"] == key for r in self.t.reviews.values())

    async def children(self, parent_id: int) -> list[ChildSummary]:
        kids = sorted(
            (i for i in self.t.items.values() if i.parent_id == parent_id), key=lambda i: i.number.seq
        )
        return [
            ChildSummary(
                i.id, str(i.number), i.title, i.state, i.percent_done, i.lead.user_id, i.confidential
            )
            for i in kids
        ]

    async def waiting_for_review(self, *, due_before: date, limit: int = 500) -> list[int]:
        reviewable = {s.value for s in REVIEWABLE_STATES}
        waiting = [
            i
            for i in self.t.items.values()
            if i.state in reviewable and i.review_due is not None and i.review_due < due_before
        ]
        return [i.id for i in sorted(waiting, key=lambda i: (i.review_due, i.id))][:limit]  # type: ignore[misc]

    async def first_time(self, key: str, now: datetime) -> bool:
        if key[:128] in self.t.inbound:
            return False
        self.t.inbound[key[:128]] = now
        return True

    async def forget_requests_before(self, before: datetime) -> int:
        old = [k for k, at in self.t.inbound.items() if at < before]
        for k in old:
            del self.t.inbound[k]
        return len(old)

    async def change_lead(self, item_id: int, new_lead: str) -> None:
        item = self.t.items[item_id]
        old = item.lead
        if old.user_id == new_lead:
            return
        if item.owner(new_lead) is not None:  # a co-owner becomes lead, the old lead a co-owner
            item.owners = [
                replace(o, role=OwnerRole.LEAD if o.user_id == new_lead else OwnerRole.CO)
                for o in item.owners
            ]
            item.owners.sort(key=lambda o: o.role is not OwnerRole.LEAD)
        else:
            item.owners = [Owner(new_lead, OwnerRole.LEAD) if o is old else o for o in item.owners]

    async def set_original_due(self, item_id: int, due: date) -> None:
        self.t.items[item_id].original_due = due
