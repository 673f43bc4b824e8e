"""Departments from the organisation file, roles granted by command, and the admin audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.items import Role
from bot.domain.organisation import Organisation, OrgDepartment
from bot.domain.people import AuditEntry, Department, RoleGrant
from bot.domain.repositories import OrgChanges
from storage.models import AdminAuditRow, DepartmentMemberRow, DepartmentRow, RoleRow
from storage.outbox import _insert_for
from storage.people_repo import PeopleRepository

FILE = "file"  # departments and head roles that DUBAN_ORG_FILE owns (re-applied at every start)
ORG_ROLE_SOURCE = "org"
ORG_FILE_LOCK = 0x6475_6261_6E6F  # pg advisory lock key: "dubano"


def _department(row: DepartmentRow, members: tuple[str, ...] = ()) -> Department:
    return Department(
        row.id,
        row.code,
        row.name_zh,
        row.name_en,
        row.head_user_id,
        row.leader_user_id,
        row.usergroup,
        members,
        row.source,
    )


def _shape(row: DepartmentRow) -> dict[str, Any]:
    return {
        "name": row.name_zh,
        "name_en": row.name_en,
        "head": row.head_user_id,
        "leader": row.leader_user_id,
        "usergroup": row.usergroup,
    }


class OrgRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.people = PeopleRepository(session)

    # -- the organisation file ------------------------------------------------------------------

    async def apply_file(self, org: Organisation, *, now: datetime) -> OrgChanges:
        """Make the departments exactly the file's: add, change (by code: renaming keeps history) and
        remove (kept for history, without members). Department heads hold the dept_head role."""
        changes = OrgChanges()
        if self.session.bind.dialect.name == "postgresql":
            # Replicas starting together apply the file one after the other (released at commit).
            await self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ORG_FILE_LOCK})
        rows = {r.code: r for r in await self.session.scalars(select(DepartmentRow))}
        for wanted in org.departments:
            row = rows.get(wanted.code)
            for user_id in (*wanted.everyone(), *((wanted.leader,) if wanted.leader else ())):
                await self.people.ensure_user(user_id)
            if row is None:
                row = DepartmentRow(code=wanted.code, source=FILE)
                self.session.add(row)
                before = None
            else:
                before = _shape(row) if row.removed_at is None else None
            row.name_zh, row.name_en = wanted.name, wanted.name_en
            row.head_user_id, row.leader_user_id, row.usergroup = wanted.head, wanted.leader, wanted.usergroup
            row.source, row.removed_at = FILE, None
            await self.session.flush()
            members_changed = await self._set_file_members(row.id, wanted)
            after = _shape(row)
            if before is None:
                changes.added.append(wanted.code)
                await self.audit(
                    None, "dept.add", wanted.code, {**after, "members": list(wanted.everyone())}, now
                )
            elif before != after or members_changed:
                changes.changed.append(wanted.code)
                diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
                await self.audit(None, "dept.change", wanted.code, {**diff, **members_changed}, now)
        for code, row in rows.items():
            if code not in org.by_code() and row.removed_at is None:
                row.removed_at = now
                await self.session.execute(
                    delete(DepartmentMemberRow).where(DepartmentMemberRow.department_id == row.id)
                )
                changes.removed.append(code)
                await self.audit(None, "dept.remove", code, _shape(row), now)
        await self._sync_head_roles({d.head for d in org.departments if d.head}, now)
        await self.session.flush()
        return changes

    async def _set_file_members(self, department_id: int, wanted: OrgDepartment) -> dict[str, list[str]]:
        """Listed members exactly (a user-group department keeps what the sweep synced, plus its head)."""
        current = set(await self.members(department_id))
        target = set(wanted.everyone())
        if wanted.usergroup is not None:
            target |= current
        return await self._replace_members(department_id, current, target)

    async def _replace_members(
        self, department_id: int, current: set[str], target: set[str]
    ) -> dict[str, list[str]]:
        gone, new = sorted(current - target), sorted(target - current)
        if gone:
            await self.session.execute(
                delete(DepartmentMemberRow).where(
                    DepartmentMemberRow.department_id == department_id, DepartmentMemberRow.user_id.in_(gone)
                )
            )
        for user_id in new:
            # One department per person: joining this one leaves any other.
            await self.session.execute(
                delete(DepartmentMemberRow).where(DepartmentMemberRow.user_id == user_id)
            )
            self.session.add(DepartmentMemberRow(department_id=department_id, user_id=user_id))
        await self.session.flush()
        result: dict[str, list[str]] = {}
        if new:
            result["joined"] = new
        if gone:
            result["left"] = gone
        return result

    async def _sync_head_roles(self, heads: set[str], now: datetime) -> None:
        rows = await self.session.scalars(select(RoleRow).where(RoleRow.role == Role.DEPT_HEAD.value))
        held = {row.user_id: row for row in rows}
        for user_id, row in held.items():
            if user_id not in heads:
                await self.session.delete(row)
        for user_id in sorted(heads - held.keys()):
            await self.session.execute(
                _insert_for(self.session)(RoleRow)
                .values(
                    user_id=user_id,
                    role=Role.DEPT_HEAD.value,
                    granted_by=None,
                    granted_at=now,
                    source=ORG_ROLE_SOURCE,
                )
                .on_conflict_do_nothing(index_elements=[RoleRow.user_id, RoleRow.role])
            )

    # -- departments ----------------------------------------------------------------------------

    async def members(self, department_id: int) -> list[str]:
        return list(
            await self.session.scalars(
                select(DepartmentMemberRow.user_id)
                .where(DepartmentMemberRow.department_id == department_id)
                .order_by(DepartmentMemberRow.user_id)
            )
        )

    async def departments(self) -> list[Department]:
        """The current departments (not removed), with their members, by code."""
        rows = await self.session.scalars(
            select(DepartmentRow).where(DepartmentRow.removed_at.is_(None)).order_by(DepartmentRow.code)
        )
        return [_department(row, tuple(await self.members(row.id))) for row in rows]

    async def sync_usergroup(
        self, department_id: int, user_ids: list[str], *, now: datetime
    ) -> dict[str, list[str]]:
        """A user-group department's members become the group's (plus its head); people who belong to
        another department stay there (a person is in one department)."""
        row = await self.session.get(DepartmentRow, department_id)
        if row is None or row.removed_at is not None:
            return {}
        elsewhere = set(
            await self.session.scalars(
                select(DepartmentMemberRow.user_id).where(DepartmentMemberRow.department_id != department_id)
            )
        )
        target = {u for u in user_ids if u not in elsewhere}
        if row.head_user_id:
            target.add(row.head_user_id)
        for user_id in sorted(target):
            await self.people.ensure_user(user_id)
        changed = await self._replace_members(department_id, set(await self.members(department_id)), target)
        if changed:
            await self.audit(None, "dept.usergroup", row.code, {"usergroup": row.usergroup, **changed}, now)
        return changed

    # -- roles by command -----------------------------------------------------------------------

    async def roles(self) -> list[RoleGrant]:
        rows = await self.session.scalars(select(RoleRow).order_by(RoleRow.role, RoleRow.user_id))
        return [RoleGrant(r.user_id, Role(r.role), r.source, r.granted_by, r.granted_at) for r in rows]

    async def grant(self, user_id: str, role: Role, *, by: str, now: datetime) -> str | None:
        """Grant by command (kept until revoked: the environment sync leaves it alone). Returns the
        source the role had before (None: new)."""
        await self.people.ensure_user(user_id)
        row = await self.session.get(RoleRow, (user_id, role.value))
        if row is None:
            self.session.add(
                RoleRow(user_id=user_id, role=role.value, granted_by=by, granted_at=now, source="command")
            )
            await self.session.flush()
            return None
        previous = row.source
        if previous != "command":
            row.source, row.granted_by, row.granted_at = "command", by, now
        return previous

    async def revoke(self, user_id: str, role: Role) -> str | None:
        """Remove the role; returns where it came from (None: not held)."""
        row = await self.session.get(RoleRow, (user_id, role.value))
        if row is None:
            return None
        source = row.source
        await self.session.delete(row)
        await self.session.flush()
        return source

    # -- audit ----------------------------------------------------------------------------------

    async def audit(
        self, actor_id: str | None, action: str, subject: str, detail: dict[str, Any], now: datetime
    ) -> None:
        self.session.add(
            AdminAuditRow(at=now, actor_id=actor_id, action=action, subject=subject, detail=detail)
        )

    async def recent_audit(self, limit: int = 20) -> list[AuditEntry]:
        rows = await self.session.scalars(
            select(AdminAuditRow).order_by(AdminAuditRow.id.desc()).limit(limit)
        )
        return [AuditEntry(r.at, r.actor_id, r.action, r.subject, dict(r.detail or {})) for r in rows]
