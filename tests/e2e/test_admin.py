"""Administration by command (roles, departments) and the admin section of App Home, in zh and en:
admins only, every change audited, command grants kept apart from the environment's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.emulator.blocks import text_of_blocks
from storage.models import AdminAuditRow, RoleRow
from tests.e2e.conftest import World

ADMIN = "U0SUPER"  # 李娜 (zh): supervisor and admin in the demo organisation


async def role_of(world: World, user_id: str, role: str) -> RoleRow | None:
    return await world.scalar(select(RoleRow).where(RoleRow.user_id == user_id, RoleRow.role == role))


async def audit(world: World) -> list[AdminAuditRow]:
    return await world.rows(select(AdminAuditRow).order_by(AdminAuditRow.id))


async def test_an_admin_grants_and_revokes_a_role_in_chinese(world: World) -> None:
    refused = await world.command("U0STAFFA", "交办 <@U0HEADA> 修订预案 截止 12-05")
    assert "只有领导" in refused.text

    granted = await world.command(ADMIN, "角色 授予 <@U0STAFFA> 领导")
    assert "已授予" in granted.text and "<@U0STAFFA>" in granted.text and "领导" in granted.text
    row = await role_of(world, "U0STAFFA", "leader")
    assert row is not None and (row.source, row.granted_by) == ("command", ADMIN)
    assigned = await world.command("U0STAFFA", "交办 <@U0HEADA> 修订预案 截止 12-05")
    assert "DB-2026-0001" in assigned.text

    again = await world.command(ADMIN, "角色 授予 <@U0STAFFA> 领导")
    assert "已经是领导" in again.text

    revoked = await world.command(ADMIN, "角色 撤销 <@U0STAFFA> 领导")
    assert "已撤销" in revoked.text
    assert await role_of(world, "U0STAFFA", "leader") is None
    refused_again = await world.command("U0STAFFA", "交办 <@U0HEADA> 另一件事 截止 12-05")
    assert "只有领导" in refused_again.text

    entries = await audit(world)
    assert [(e.actor_id, e.action, e.subject, e.detail["role"]) for e in entries] == [
        (ADMIN, "role.grant", "U0STAFFA", "leader"),
        (ADMIN, "role.revoke", "U0STAFFA", "leader"),
    ]
    assert all(e.at == world.clock.now() for e in entries)


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        ("U0LEADER", "角色 授予 <@U0STAFFA> 领导", "只有管理员可以管理角色和部门"),
        ("U0HEADB", "role grant <@U0STAFFB> leader", "Only admins can manage roles and departments"),
        ("U0HEADB", "role revoke <@U0LEADER> leader", "Only admins can manage roles and departments"),
        ("U0STAFFA", "角色", "只有管理员"),
        ("U0HEADB", "roles", "Only admins"),
        ("U0HEADB", "dept", "Only admins"),
        ("U0STAFFA", "部门", "只有管理员"),
    ],
)
async def test_others_get_a_clear_localised_refusal(
    world: World, user: str, text: str, expected: str
) -> None:
    reply = await world.command(user, text)
    assert reply.status == 200 and expected in reply.text, reply.text
    assert await audit(world) == []
    assert await role_of(world, "U0STAFFA", "leader") is None


async def test_an_english_admin_lists_roles_and_departments(world: World) -> None:
    await world.command(ADMIN, "角色 授予 <@U0DEPUTY> 管理员")
    roles = await world.command("U0DEPUTY", "roles")
    text = roles.message.all_text()
    assert "Roles" in text
    assert "<@U0LEADER> (environment)" in text and "<@U0DEPUTY> (command)" in text

    depts = (await world.command("U0DEPUTY", "dept")).message.all_text()
    assert "General Office" in depts and "Development and Reform Section" in depts
    assert "head: <@U0HEADA>" in depts and "No organisation file" in depts

    change = await world.command("U0DEPUTY", "dept add tax Taxation")
    assert "cannot be changed by command" in change.text
    zh_change = await world.command(ADMIN, "部门 新增 税务科")
    assert "不能用命令修改" in zh_change.text


async def test_revoking_an_environment_role_says_it_returns_at_start(world: World) -> None:
    reply = await world.command(ADMIN, "角色 撤销 <@U0DEPUTY> 领导")
    assert "已撤销" in reply.text and "DUBAN_LEADERS" in reply.text and "下次启动" in reply.text
    assert await role_of(world, "U0DEPUTY", "leader") is None
    await world.runtime.services.people.apply_configured_roles()  # what the next start does
    assert (await role_of(world, "U0DEPUTY", "leader")).source == "env"


async def test_the_last_admin_cannot_be_revoked_and_bad_input_says_how(world: World) -> None:
    last = await world.command(ADMIN, "角色 撤销 <@U0SUPER> 管理员")
    assert "唯一的管理员" in last.text
    assert await role_of(world, ADMIN, "admin") is not None
    bad_role = await world.command(ADMIN, "role grant <@U0STAFFA> emperor")
    assert "leader" in bad_role.text and "emperor" in bad_role.text
    usage = await world.command(ADMIN, "角色 提拔 <@U0STAFFA> 领导")
    assert "/duban 角色 授予" in usage.text
    not_held = await world.command(ADMIN, "角色 撤销 <@U0STAFFA> 督查")
    assert "不是督查人员" in not_held.text


async def test_app_home_has_an_admin_section_for_admins_only(world: World) -> None:
    await world.command(ADMIN, "角色 授予 <@U0STAFFA> 督查")
    await world.slack.open_home(ADMIN)
    await world.slack.settle()
    home = world.slack.home(ADMIN)
    assert home is not None
    text = text_of_blocks(home.blocks)
    assert "管理" in text and "最近的变更" in text and "授予 <@U0STAFFA> 督查人员" in text

    await world.slack.open_home("U0LEADER")
    await world.slack.settle()
    leader_home = world.slack.home("U0LEADER")
    assert leader_home is not None and "最近的变更" not in text_of_blocks(leader_home.blocks)
