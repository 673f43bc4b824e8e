"""Administration by command: grant and revoke roles, list roles and departments; every change audited."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import permissions
from bot.domain.commands import UserRef
from bot.domain.errors import DomainError, PermissionDenied
from bot.domain.items import Role
from bot.domain.people import AuditEntry, Department, Person, RoleGrant
from bot.services.base import Service

ENV_VARIABLE = {
    Role.LEADER: "DUBAN_LEADERS",
    Role.SUPERVISOR: "DUBAN_SUPERVISORS",
    Role.ADMIN: "DUBAN_ADMINS",
}


def authorise_admin(actor: Person, action: str) -> None:
    """The one authorisation check of administration (roles, departments, the admin home section).
    ``action`` names what is attempted (``role.grant``, ``role.revoke``, ``roles.list``, ``dept.list``,
    ``dept.change``) for the refusal; the rule itself is the permissions table's ``Action.ADMIN``."""
    if not permissions.allowed(actor, permissions.Action.ADMIN):
        raise PermissionDenied("admin_only", action=action)


def is_admin(actor: Person) -> bool:
    try:
        authorise_admin(actor, "home.admin")
    except PermissionDenied:
        return False
    return True


@dataclass(frozen=True, slots=True)
class RoleChange:
    user_id: str
    role: Role
    granted: bool  # True: grant, False: revoke
    previous_source: str | None  # where the role came from before (None: not held)
    env_variable: str  # the variable that would grant it again at start


@dataclass(frozen=True, slots=True)
class AdminOverview:
    roles: list[RoleGrant]
    departments: list[Department]
    org_file: str | None  # set: departments come from this file (change it and restart)
    audit: list[AuditEntry]


class AdminService(Service):
    async def _admin(self, actor_id: str, action: str) -> Person:
        actor = await self.people.actor(actor_id)
        authorise_admin(actor, action)
        return actor

    async def grant(self, actor_id: str, ref: UserRef, role: Role) -> RoleChange:
        await self._admin(actor_id, "role.grant")
        subject = await self.people.resolve_owner(ref)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            previous = await uow.org.grant(subject.user_id, role, by=actor_id, now=now)
            if previous == "command":
                raise DomainError("role_already_held", user=subject.user_id, roles=[role.value])
            await uow.org.audit(
                actor_id, "role.grant", subject.user_id, {"role": role.value, "was": previous}, now
            )
        return RoleChange(subject.user_id, role, True, previous, ENV_VARIABLE[role])

    async def revoke(self, actor_id: str, ref: UserRef, role: Role) -> RoleChange:
        await self._admin(actor_id, "role.revoke")
        user_id = ref.user_id or (await self.people.resolve_owner(ref)).user_id
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            if role is Role.ADMIN:
                admins = await uow.people.users_with_role(Role.ADMIN)
                if admins == [user_id]:
                    raise DomainError("last_admin", user=user_id)
            source = await uow.org.revoke(user_id, role)
            if source is None:
                raise DomainError("role_not_held", user=user_id, roles=[role.value])
            await uow.org.audit(actor_id, "role.revoke", user_id, {"role": role.value, "was": source}, now)
        return RoleChange(user_id, role, False, source, ENV_VARIABLE[role])

    async def change_departments(self, actor_id: str) -> None:
        """Departments change in the organisation file, never by command: say where."""
        await self._admin(actor_id, "dept.change")
        if self.ctx.settings.org_file:
            raise DomainError("dept_from_file", file=self.ctx.settings.org_file)
        raise DomainError("dept_needs_file")

    async def overview(self, actor_id: str, action: str = "roles.list", *, audit: int = 10) -> AdminOverview:
        await self._admin(actor_id, action)
        async with self.ctx.uow() as uow:
            return AdminOverview(
                roles=await uow.org.roles(),
                departments=await uow.org.departments(),
                org_file=self.ctx.settings.org_file,
                audit=await uow.org.recent_audit(audit),
            )

    async def home_section(self, user_id: str) -> AdminOverview | None:
        """The admin section of App Home, or None for anyone who is not an admin."""
        actor = await self.people.actor(user_id)
        if not is_admin(actor):
            return None
        return await self.overview(user_id, "home.admin", audit=5)
