"""Administration by command (routes only): ``/duban role grant|revoke``, ``roles``, ``dept``."""

from __future__ import annotations

from typing import Any

from bot.domain import admin_commands as grammar
from bot.services import Services
from handlers.routing import Reply
from messages import admin as admin_messages
from messages.view_models import Reader


async def role_command(
    services: Services, reader: Reader, parsed: grammar.RoleCommand, command: dict[str, Any], client: Any
) -> Reply:
    actor_id = command["user_id"]
    if parsed.action == "grant":
        change = await services.admin.grant(actor_id, parsed.user, parsed.role)
    else:
        change = await services.admin.revoke(actor_id, parsed.user, parsed.role)
    return admin_messages.role_changed(
        reader,
        user_id=change.user_id,
        role=change.role,
        granted=change.granted,
        previous_source=change.previous_source,
        variable=change.env_variable,
        by=actor_id,
        at=services.ctx.now(),
    )


async def roles_command(
    services: Services, reader: Reader, parsed: grammar.ListRoles, command: dict[str, Any], client: Any
) -> Reply:
    overview = await services.admin.overview(command["user_id"], "roles.list", audit=0)
    return admin_messages.roles_list(reader, overview.roles)


async def departments_command(
    services: Services, reader: Reader, parsed: grammar.ListDepartments, command: dict[str, Any], client: Any
) -> Reply:
    overview = await services.admin.overview(command["user_id"], "dept.list", audit=0)
    return admin_messages.departments_list(reader, overview.departments, overview.org_file)


async def change_departments_command(
    services: Services,
    reader: Reader,
    parsed: grammar.ChangeDepartments,
    command: dict[str, Any],
    client: Any,
) -> Reply:
    await services.admin.change_departments(command["user_id"])
    return {}
