"""Roles named in the environment are granted at every start; removing an id from the variable takes away
only what the variable gave, never a grant made by command."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.app import build_runtime
from bot.domain.clock import ManualClock
from bot.domain.items import Role
from bot.settings import Settings
from storage.models import RoleRow, UserRow
from tests.integration.factories import T0

BASE = Settings(bot_token="xoxb-test", signing_secret="secret", api_url="http://127.0.0.1:9/")


async def _start(settings: Settings) -> dict[tuple[str, str], str]:
    """Start (build) the runtime once like `duban serve` does, return {(user, role): source}."""
    runtime = await build_runtime(settings, clock=ManualClock(T0), migrate=False)
    try:
        async with runtime.sessions() as session:
            rows = await session.scalars(select(RoleRow))
            return {(r.user_id, r.role): r.source for r in rows}
    finally:
        await runtime.close()


async def test_environment_roles_follow_the_variables(db_url: str) -> None:
    settings = replace(
        BASE, database_url=db_url, leaders=("U0LEAD1",), supervisors=("U0SUP1",), admins=("U0ADM1",)
    )
    assert await _start(settings) == {
        ("U0LEAD1", "leader"): "env",
        ("U0SUP1", "supervisor"): "env",
        ("U0ADM1", "admin"): "env",
    }
    # Starting twice changes nothing.
    assert len(await _start(settings)) == 3

    # An admin grants a role by command; then the variable drops U0LEAD1 and names U0LEAD2.
    runtime = await build_runtime(settings, clock=ManualClock(T0), migrate=False)
    try:
        async with runtime.sessions.begin() as session:
            session.add(UserRow(user_id="U0CMD1", name="cmd"))
            await session.flush()
            session.add(
                RoleRow(user_id="U0CMD1", role=Role.LEADER.value, granted_by="U0ADM1", source="command")
            )
    finally:
        await runtime.close()
    changed = replace(settings, leaders=("U0LEAD2", "U0CMD1"), admins=())
    roles = await _start(changed)
    assert ("U0LEAD1", "leader") not in roles
    assert roles[("U0LEAD2", "leader")] == "env"
    assert roles[("U0CMD1", "leader")] == "command"  # granted by command: untouched, not duplicated
    assert ("U0ADM1", "admin") not in roles
    # Dropping the variable does not take away the command's grant.
    roles = await _start(replace(changed, leaders=()))
    assert roles == {("U0SUP1", "supervisor"): "env", ("U0CMD1", "leader"): "command"}


async def test_configured_people_get_a_placeholder_profile(db_url: str) -> None:
    await _start(replace(BASE, database_url=db_url, leaders=("U0NEW1",)))
    runtime = await build_runtime(replace(BASE, database_url=db_url), clock=ManualClock(T0), migrate=False)
    try:
        async with runtime.sessions() as session:
            user = await session.get(UserRow, "U0NEW1")
    finally:
        await runtime.close()
    assert user is not None and user.refreshed_at is None  # refreshed from Slack when first needed
