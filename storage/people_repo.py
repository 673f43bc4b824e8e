"""People, their roles and departments: rows to ``Person`` and back (never commits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.items import Role
from bot.domain.people import Department, Person
from storage.models import (
    DepartmentMemberRow,
    DepartmentRow,
    RoleRow,
    UserRow,
)
from storage.outbox import _insert_for


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: str) -> tuple[Person, datetime | None] | None:
        """The person and when their Slack profile was last refreshed: one statement (the profile joined to
        its roles and departments, a few of each), since every request asks it."""
        rows = (
            await self.session.execute(
                select(
                    UserRow.name,
                    UserRow.preferred_locale,
                    UserRow.locale,
                    UserRow.tz,
                    UserRow.deleted,
                    UserRow.is_bot,
                    UserRow.quiet_hours,
                    UserRow.refreshed_at,
                    RoleRow.role,
                    DepartmentMemberRow.department_id,
                )
                .outerjoin(RoleRow, RoleRow.user_id == UserRow.user_id)
                .outerjoin(DepartmentMemberRow, DepartmentMemberRow.user_id == UserRow.user_id)
                .where(UserRow.user_id == user_id)
            )
        ).all()
        if not rows:
            return None
        first = rows[0]
        person = Person(
            user_id=user_id,
            name=first.name,
            locale=first.preferred_locale or first.locale or "",
            tz=first.tz,
            deleted=first.deleted,
            is_bot=first.is_bot,
            roles={Role(r.role) for r in rows if r.role is not None},
            department_ids=sorted({r.department_id for r in rows if r.department_id is not None}),
            quiet_hours=first.quiet_hours,
        )
        return person, first.refreshed_at

    async def find_by_name(self, name: str) -> list[Person]:
        lowered = name.lower()
        rows = await self.session.scalars(
            select(UserRow).where(
                or_(func.lower(UserRow.name) == lowered, func.lower(UserRow.real_name) == lowered),
                UserRow.deleted.is_(False),
            )
        )
        return [await self._person(r) for r in rows]

    async def upsert(
        self,
        person: Person,
        *,
        real_name: str = "",
        profile_locale: str | None,
        now: datetime,
        email: str | None = None,
    ) -> None:
        """One statement that inserts or updates: two requests (two workers, two replicas) meeting the same
        new person at once both succeed. Preferences set in Duban (language, quiet hours) are kept."""
        profile = {
            "name": person.name,
            "real_name": real_name,
            "locale": profile_locale,
            "tz": person.tz,
            "deleted": person.deleted,
            "is_bot": person.is_bot,
            "refreshed_at": now,
        }
        # An empty email from Slack (no users:read.email scope) keeps the address we had.
        refreshed = [*profile, "email"] if email else list(profile)
        statement = _insert_for(self.session)(UserRow).values(
            user_id=person.user_id, email=email or None, **profile
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[UserRow.user_id], set_={k: statement.excluded[k] for k in refreshed}
            )
        )

    async def set_quiet_hours(self, user_id: str, window: str | None) -> bool:
        row = await self.session.get(UserRow, user_id)
        if row is None:
            return False
        row.quiet_hours = window
        await self.session.flush()
        return True

    async def set_preferred_locale(self, user_id: str, locale: str) -> None:
        row = await self.session.get(UserRow, user_id)
        if row is not None:
            row.preferred_locale = locale

    async def grant(self, user_id: str, role: Role, *, by: str | None, now: datetime) -> None:
        if await self.session.get(RoleRow, (user_id, role.value)) is None:
            self.session.add(RoleRow(user_id=user_id, role=role.value, granted_by=by, granted_at=now))
            await self.session.flush()

    async def ensure_user(self, user_id: str) -> None:
        """A placeholder row (the id as name, never refreshed) so a role can be granted before the person
        has used Duban; their Slack profile fills it in later. Replicas starting together may race here."""
        await self.session.execute(
            _insert_for(self.session)(UserRow)
            .values(user_id=user_id, name=user_id, real_name="", deleted=False, is_bot=False)
            .on_conflict_do_nothing(index_elements=[UserRow.user_id])
        )

    async def sync_configured_roles(self, configured: dict[Role, tuple[str, ...]], *, now: datetime) -> None:
        """Make the environment-granted roles exactly ``configured``: grant what is missing, drop 'env'
        grants no longer listed. Grants made by command are never touched. Safe for replicas starting
        at the same moment (conflicting inserts are no-ops)."""
        for role, user_ids in configured.items():
            wanted = set(user_ids)
            rows = await self.session.scalars(select(RoleRow).where(RoleRow.role == role.value))
            held = {row.user_id: row for row in rows}
            for user_id, row in held.items():
                if row.source == "env" and user_id not in wanted:
                    await self.session.delete(row)
            for user_id in sorted(wanted - held.keys()):
                await self.ensure_user(user_id)
                await self.session.execute(
                    _insert_for(self.session)(RoleRow)
                    .values(user_id=user_id, role=role.value, granted_by=None, granted_at=now, source="env")
                    .on_conflict_do_nothing(index_elements=[RoleRow.user_id, RoleRow.role])
                )
        await self.session.flush()

    async def users_with_role(self, role: Role) -> list[str]:
        return list(await self.session.scalars(select(RoleRow.user_id).where(RoleRow.role == role.value)))

    async def upsert_department(self, department: Department) -> Department:
        row = await self.session.scalar(select(DepartmentRow).where(DepartmentRow.code == department.code))
        if row is None:
            row = DepartmentRow(code=department.code)
            self.session.add(row)
        row.name_zh, row.name_en, row.head_user_id = (
            department.name_zh,
            department.name_en,
            department.head_user_id,
        )
        await self.session.flush()
        department.id = row.id
        return department

    async def add_member(self, department_id: int, user_id: str) -> None:
        if await self.session.get(DepartmentMemberRow, (department_id, user_id)) is None:
            self.session.add(DepartmentMemberRow(department_id=department_id, user_id=user_id))
            await self.session.flush()

    async def departments_of(self, user_id: str) -> list[Department]:
        rows = await self.session.scalars(
            select(DepartmentRow)
            .join(DepartmentMemberRow, DepartmentMemberRow.department_id == DepartmentRow.id)
            .where(DepartmentMemberRow.user_id == user_id)
        )
        return [
            Department(r.id, r.code, r.name_zh, r.name_en, r.head_user_id, r.leader_user_id, r.usergroup)
            for r in rows
        ]

    async def _person(self, row: UserRow) -> Person:
        roles = await self.session.scalars(select(RoleRow.role).where(RoleRow.user_id == row.user_id))
        departments = await self.session.scalars(
            select(DepartmentMemberRow.department_id).where(DepartmentMemberRow.user_id == row.user_id)
        )
        return Person(
            user_id=row.user_id,
            name=row.name,
            locale=row.preferred_locale or row.locale or "",
            tz=row.tz,
            deleted=row.deleted,
            is_bot=row.is_bot,
            roles={Role(r) for r in roles},
            department_ids=list(departments),
            quiet_hours=row.quiet_hours,
        )
