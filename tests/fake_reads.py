"""In-memory repositories for lists, publications, the organisation, corrections and follow-through
(tests/fakes.py). Simplifications are named where they happen."""

from __future__ import annotations

import copy
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from bot.domain.errors import UnknownUnit
from bot.domain.items import Item, Owner, Role
from bot.domain.list_filter import ItemQuery
from bot.domain.organisation import Organisation
from bot.domain.people import AuditEntry, Department, RoleGrant
from bot.domain.repositories import BulletinRecord, OrgChanges, Unacknowledged, UnansweredUrge
from bot.domain.statistics import EXCLUDED_STATES, NO_DEPARTMENT, ItemSnapshot, OfficeTimeline
from tests.fake_tables import Repo


class FakeItemLists(Repo):
    async def page(self, q: ItemQuery) -> tuple[list[Item], int]:
        """Simplified: the unit filter and paging only (list filters are tested end to end)."""
        items = sorted(self.t.items.values(), key=lambda i: (i.current_due, i.id or 0))
        unit = getattr(q, "unit", None)
        if unit:
            ids = {
                d.id
                for d in self.t.departments.values()
                if unit.lower() in (d.name_zh.lower(), d.name_en.lower(), d.code.lower())
            }
            if not ids:
                raise UnknownUnit(unit)
            items = [i for i in items if any((d, i.lead.user_id) in self.t.members for d in ids)]
        offset, limit = getattr(q, "offset", 0), getattr(q, "limit", 20)
        return copy.deepcopy(items[offset : offset + limit]), len(items)


class FakeReporting(Repo):
    async def urgings_sent(self, start: datetime, end: datetime) -> list[tuple[str, str]]:
        counted = {i.id for i in self.t.items.values() if i.state not in EXCLUDED_STATES}
        return [
            (r.rung, r.channel)
            for r in self.t.urges.values()
            if r.sent_at is not None and start <= r.sent_at < end and r.item_id in counted
        ]

    async def departments(self) -> dict[str, tuple[str, str]]:
        return {d.code: (d.name_zh, d.name_en) for d in self.t.departments.values()}

    async def lead_departments(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for department_id, user_id in sorted(self.t.members, key=lambda m: (m[1], m[0])):
            result.setdefault(user_id, self.t.departments[department_id].code)
        return result

    async def snapshots(self, *, item_ids: list[int] | None = None) -> list[ItemSnapshot]:
        """Simplified: an item's department is its lead's (items keep no department of their own here)."""
        member_of = await self.lead_departments()
        result = []
        for item in sorted(self.t.items.values(), key=lambda i: (i.number.year, i.number.seq)):
            if item_ids is not None and item.id not in item_ids:
                continue
            events = self.t.events.get(item.id or 0, [])
            notices = tuple(
                (r.sent_at, r.answered_at)
                for _, r in sorted(self.t.urges.items())
                if r.item_id == item.id and r.rung == "notice" and r.sent_at is not None
            )
            finals = [
                e.at for e in events if e.kind.value == "final_reported" and e.payload.get("part") != "co"
            ]
            result.append(
                ItemSnapshot(
                    number=str(item.number),
                    title=item.title,
                    department=member_of.get(item.lead.user_id, NO_DEPARTMENT),
                    state=item.state,
                    original_due=None if item.fyi else item.original_due,
                    current_due=None if item.fyi else item.current_due,
                    created_at=item.created_at,
                    completed_at=item.completed_at,
                    confidential=item.confidential,
                    return_count=item.return_count,
                    returned_at=tuple(e.at for e in events if e.kind.value == "returned"),
                    urge_round=item.urge_round,
                    escalated_at=item.escalated_at,
                    health=item.health,
                    unanswered_notice=any(answered is None for _, answered in notices),
                    item_id=item.id,
                    lead_id=item.lead.user_id,
                    issued_at=next((e.at for e in events if e.kind.value == "issued"), None),
                    final_reported_at=finals[-1] if finals else None,
                    notices=notices,  # type: ignore[arg-type]
                )
            )
        return result

    async def has_items_created_before(self, instant: datetime) -> bool:
        return any(i.created_at < instant for i in self.t.items.values())

    async def office_timelines(self, since: datetime) -> list[OfficeTimeline]:
        """Simplified: registration and issue only (no review round trips)."""
        timelines = []
        for _, events in sorted(self.t.events.items()):
            if not any(e.at >= since for e in events):
                continue
            registered = next((e.at for e in events if e.kind.value == "registered"), None)
            issued = next((e.at for e in events if e.kind.value == "issued"), None)
            if registered is not None:
                timelines.append(OfficeTimeline(registered, issued, (), None))
        return timelines

    async def bulletin(self, kind: str, period_key: str) -> BulletinRecord | None:
        row = self.t.bulletins.get((kind, period_key))
        if row is None:
            return None
        return BulletinRecord(
            kind, period_key, row["status"], row["created_at"], row["posted_at"], row["channel"]
        )

    async def claim_bulletin(
        self, kind: str, period_key: str, *, claimed_by: str, channel: str, now: datetime
    ) -> bool:
        if (kind, period_key) in self.t.bulletins:
            return False
        self.t.bulletins[(kind, period_key)] = {
            "status": "claimed",
            "claimed_by": claimed_by,
            "created_at": now,
            "posted_at": None,
            "channel": channel,
            "content": {},
        }
        return True

    async def mark_bulletin_queued(
        self, kind: str, period_key: str, *, content: dict[str, Any], now: datetime
    ) -> None:
        row = self.t.bulletins.get((kind, period_key))
        if row is not None:
            row.update(status="queued", posted_at=now, content=content)

    async def unanswered_urges(self, limit: int = 200) -> list[UnansweredUrge]:
        open_ = [r for r in self.t.urges.values() if r.answered_at is None and r.sent_at is not None]
        open_.sort(key=lambda r: r.sent_at)  # type: ignore[arg-type, return-value]
        return [UnansweredUrge(r.item_id, r.rung, r.recipient_id, r.sent_at) for r in open_[:limit]]

    async def owned_item_ids(self, user_id: str) -> list[int]:
        return [i.id for i in self.t.items.values() if i.owner(user_id) is not None and i.id is not None]

    async def owners(self) -> dict[int, list[str]]:
        def name(user_id: str) -> str:
            row = self.t.users.get(user_id)
            return row.person.name if row else user_id

        return {i.id: [name(o.user_id) for o in i.owners] for i in self.t.items.values() if i.id is not None}

    async def dossier_parts(self, item_id: int) -> dict[str, list[dict[str, Any]]]:
        urges = [asdict(r) for _, r in sorted(self.t.urges.items()) if r.item_id == item_id]
        reports = [asdict(r) for _, (r, _) in sorted(self.t.reports.items()) if r.item_id == item_id]
        reviews = [dict(r) for _, r in sorted(self.t.reviews.items()) if r["item_id"] == item_id]
        return {"urges": urges, "reports": reports, "reviews": reviews}

    async def save_dossier(
        self, item_id: int, *, html: str, data: dict[str, Any], by: str, now: datetime
    ) -> None:
        self.t.dossiers[item_id] = (html, copy.deepcopy(data), now)

    async def dossier(self, item_id: int) -> tuple[str, dict[str, Any], datetime] | None:
        return copy.deepcopy(self.t.dossiers.get(item_id))

    async def count_items(self) -> int:
        return len(self.t.items)


class FakeOrg(Repo):
    async def apply_file(self, org: Organisation, *, now: datetime) -> OrgChanges:
        """Simplified: adds and changes departments with their listed members; no removal."""
        changes = OrgChanges()
        by_code = {d.code: d for d in self.t.departments.values()}
        for wanted in org.departments:
            existing = by_code.get(wanted.code)
            department = Department(
                existing.id if existing else self.t.new_id(),
                wanted.code,
                wanted.name,
                wanted.name_en,
                wanted.head,
                wanted.leader,
                wanted.usergroup,
                source="file",
            )
            (changes.changed if existing else changes.added).append(wanted.code)
            assert department.id is not None
            self.t.departments[department.id] = department
            for user_id in wanted.everyone():
                self.t.members = {m for m in self.t.members if m[1] != user_id}
                self.t.members.add((department.id, user_id))
        return changes

    async def members(self, department_id: int) -> list[str]:
        return sorted(uid for d, uid in self.t.members if d == department_id)

    async def departments(self) -> list[Department]:
        current = [d for d in self.t.departments.values() if d.id not in self.t.removed_departments]
        return [
            replace(d, members=tuple(await self.members(d.id or 0)))
            for d in sorted(current, key=lambda d: d.code)
        ]

    async def sync_usergroup(
        self, department_id: int, user_ids: list[str], *, now: datetime
    ) -> dict[str, list[str]]:
        department = self.t.departments.get(department_id)
        if department is None or department_id in self.t.removed_departments:
            return {}
        elsewhere = {uid for d, uid in self.t.members if d != department_id}
        target = {u for u in user_ids if u not in elsewhere} | (
            {department.head_user_id} if department.head_user_id else set()
        )
        current = set(await self.members(department_id))
        gone, new = sorted(current - target), sorted(target - current)
        self.t.members -= {(department_id, u) for u in gone}
        self.t.members |= {(department_id, u) for u in new}
        changed = {k: v for k, v in (("joined", new), ("left", gone)) if v}
        if changed:
            await self.audit(None, "dept.usergroup", department.code, dict(changed), now)
        return changed

    async def roles(self) -> list[RoleGrant]:
        return [
            RoleGrant(uid, role, source, by, at)
            for (uid, role), (source, by, at) in sorted(
                self.t.roles.items(), key=lambda kv: (kv[0][1], kv[0][0])
            )
        ]

    async def grant(self, user_id: str, role: Role, *, by: str, now: datetime) -> str | None:
        held = self.t.roles.get((user_id, role))
        self.t.roles[(user_id, role)] = ("command", by, now) if held is None or held[0] != "command" else held
        return held[0] if held else None

    async def revoke(self, user_id: str, role: Role) -> str | None:
        held = self.t.roles.pop((user_id, role), None)
        return held[0] if held else None

    async def audit(
        self, actor_id: str | None, action: str, subject: str, detail: dict[str, Any], now: datetime
    ) -> None:
        self.t.audit.append((now, actor_id, action, subject, copy.deepcopy(detail)))

    async def recent_audit(self, limit: int = 20) -> list[AuditEntry]:
        return [AuditEntry(*entry) for entry in reversed(self.t.audit[-limit:])]


class FakeCorrections(Repo):
    async def replace_owner(self, item_id: int, old_id: str, new: Owner) -> None:
        item = self.t.items[item_id]
        item.owners = [
            replace(new, role=o.role, acknowledged_at=None) if o.user_id == old_id else o for o in item.owners
        ]

    async def move_open_urgings(self, item_id: int, old_id: str, new_id: str) -> int:
        moved = [
            r
            for r in self.t.urges.values()
            if r.item_id == item_id and r.recipient_id == old_id and r.answered_at is None
        ]
        for r in moved:
            r.recipient_id = new_id
        for call in self.t.outbox:
            if (
                call.item_id == item_id
                and call.recipient_id == old_id
                and (call.purpose or "").startswith("urge:")
            ):
                call.payload, call.recipient_id = {**call.payload, "channel": new_id}, new_id
        return len(moved)

    async def cancel_queued_urgings(self, item_id: int) -> int:
        """Every queued call counts as not sent yet (nothing delivers here)."""
        before = len(self.t.outbox)
        self.t.outbox = [
            c for c in self.t.outbox if not (c.item_id == item_id and (c.purpose or "").startswith("urge:"))
        ]
        return before - len(self.t.outbox)

    async def find_by_email(self, email: str) -> list[str]:
        wanted = email.strip().lower()
        return [uid for uid, row in self.t.users.items() if (row.email or "").lower() == wanted]

    async def mark_deleted(self, user_id: str) -> None:
        if user_id in self.t.users:
            self.t.users[user_id].person.deleted = True

    async def counter(self, year: int) -> int:
        return self.t.counters.get(year, 0)

    async def raise_counter(self, year: int, seq: int) -> int:
        self.t.counters[year] = max(self.t.counters.get(year, 0), seq)
        return self.t.counters[year]


class FakeFollowThrough(Repo):
    def _open(self, states: list[str]) -> dict[int, Item]:
        return {i.id: i for i in self.t.items.values() if i.state in states and i.id is not None}

    async def proposal_reviewed_at(self, item_id: int) -> datetime | None:
        reviewed = [e.at for e in self.t.events.get(item_id, []) if e.kind == "proposal_reviewed"]
        return reviewed[-1] if reviewed else None

    async def pending_proposals(self) -> list[tuple[int, datetime]]:
        waiting = [i for i in self.t.items.values() if i.state == "pending_approval" and i.id is not None]
        return [(i.id, i.created_at) for i in sorted(waiting, key=lambda i: (i.created_at, i.id))]  # type: ignore[misc]

    async def pending_extensions(self, states: list[str]) -> list[tuple[int, int, datetime]]:
        items = self._open(states)
        pending = [r for _, (r, _) in sorted(self.t.extensions.items()) if r.status == "pending"]
        return [(r.id, r.item_id, r.created_at) for r in pending if r.item_id in items and r.id is not None]

    async def unacknowledged(self, states: list[str]) -> list[Unacknowledged]:
        result = []
        for item_id, item in sorted(self._open(states).items()):
            issued = [e.at for e in self.t.events.get(item_id, []) if e.kind.value == "issued"]
            if not issued:
                continue
            for owner in item.owners:
                if owner.acknowledged_at is None and (owner.role.value == "co" or item.fyi):
                    result.append(Unacknowledged(item_id, owner.user_id, min(issued)))
        return result

    async def delay_reports(self, states: list[str]) -> list[tuple[int, datetime, datetime | None]]:
        items = self._open(states)
        result = []
        for item_id, item in sorted(items.items()):
            records = [r for r in self.t.urges.values() if r.item_id == item_id]
            answered = [r.answered_at for r in records if r.rung == "notice" and r.answered_at is not None]
            if item.fyi or not answered:
                continue
            asked = [r.sent_at for r in records if r.rung == "progress" and r.sent_at is not None]
            result.append((item_id, min(answered), max(asked) if asked else None))
        return result
