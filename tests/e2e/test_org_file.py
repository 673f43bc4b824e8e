"""The organisation file (DUBAN_ORG_FILE) applied at every start: departments, heads and 分管 leaders
decide who gets written notices and escalations; a changed file changes them; user groups are followed
by the sweep; roles from the environment follow the environment, roles granted by command stay."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.app import build_runtime
from bot.domain.clock import ManualClock
from bot.domain.organisation import OrgFileError
from bot.emulator.driver import SlackEmulator
from storage.models import AdminAuditRow, DepartmentMemberRow, DepartmentRow, RoleRow
from tests.e2e.conftest import SECRET, START, TOKEN, World, e2e_settings

ORG = """
[[department]]
code = "bgs"
name = "办公室"
name_en = "General Office"
head = "U0HEADA"
leader = "U0DEPUTY"
members = ["U0STAFFA"]

[[department]]
code = "fgk"
name = "发展改革科"
name_en = "Development and Reform"
head = "U0HEADB"
members = ["U0STAFFB", "U0STAFFB2"]
"""


@pytest.fixture
async def org_world(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[World, Path, Callable]]:
    """A world whose organisation comes from a file; ``restart(**settings)`` starts it again."""
    slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
    await slack.start()
    org_file = tmp_path / "org.toml"
    org_file.write_text(ORG, encoding="utf-8")
    clock = ManualClock(START)
    settings = replace(e2e_settings(db_url, slack.api_url), org_file=str(org_file), sweep_seconds=1)
    runtimes = []

    async def start(**changes: object) -> World:
        if runtimes:
            await runtimes[-1].close()
        runtime = await build_runtime(replace(settings, **changes), clock=clock, migrate=False)
        runtimes.append(runtime)
        port = await runtime.serve_http("127.0.0.1", 0)
        slack.app_url = f"http://127.0.0.1:{port}/slack/events"
        return World(slack, runtime, clock)

    world = await start()
    try:
        yield world, org_file, start
        refused = slack.take_refusals()
        assert not refused, "Slack would refuse:\n" + "\n".join(str(r) for r in refused)
    finally:
        await runtimes[-1].close()
        await slack.stop()


def with_text(world: World, user: str, needle: str) -> list:
    return [m for m in world.slack.dm(user) if needle in m.all_text()]


async def departments(world: World) -> dict[str, DepartmentRow]:
    return {d.code: d for d in await world.rows(select(DepartmentRow))}


async def members(world: World, department_id: int) -> set[str]:
    rows = await world.rows(
        select(DepartmentMemberRow).where(DepartmentMemberRow.department_id == department_id)
    )
    return {r.user_id for r in rows}


async def roles(world: World, role: str) -> dict[str, str]:
    return {r.user_id: r.source for r in await world.rows(select(RoleRow).where(RoleRow.role == role))}


async def test_notice_goes_to_the_units_head_and_escalation_to_its_leader(org_world: tuple) -> None:
    world, _, _ = org_world
    depts = await departments(world)
    assert depts["bgs"].leader_user_id == "U0DEPUTY" and depts["fgk"].name_en == "Development and Reform"
    assert await members(world, depts["bgs"].id) == {"U0HEADA", "U0STAFFA"}
    assert await roles(world, "dept_head") == {"U0HEADA": "org", "U0HEADB": "org"}

    reply = await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    assert "DB-2026-0001" in reply.text
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知"))
    assert with_text(world, "U0HEADA", "催办通知")  # the head of the item's unit (办公室)
    assert not with_text(world, "U0HEADB", "Notice")
    await world.run_until(lambda: with_text(world, "U0LEADER", "升级督办"))
    # The unit's 分管领导 too, not only the assigning leader (never seen before: the default language).
    assert with_text(world, "U0DEPUTY", "升级督办")


async def test_a_changed_file_at_restart_renames_moves_and_removes(org_world: tuple) -> None:
    world, org_file, start = org_world
    before = await departments(world)
    org_file.write_text(
        """
[[department]]
code = "bgs"
name = "综合办公室"
head = "U0STAFFA"
members = ["U0HEADA"]

[[department]]
code = "zfk"
name = "政法科"
head = "U0HEADB"
members = ["U0STAFFB"]
""",
        encoding="utf-8",
    )
    world = await start()
    after = await departments(world)
    assert after["bgs"].id == before["bgs"].id and after["bgs"].name_zh == "综合办公室"  # history kept
    assert after["bgs"].name_en == "综合办公室" and after["bgs"].leader_user_id is None
    assert after["fgk"].removed_at is not None and await members(world, after["fgk"].id) == set()
    assert await members(world, after["zfk"].id) == {"U0HEADB", "U0STAFFB"}
    assert await roles(world, "dept_head") == {"U0STAFFA": "org", "U0HEADB": "org"}
    audit = [(a.actor_id, a.action, a.subject) for a in await world.rows(select(AdminAuditRow))]
    assert (None, "dept.change", "bgs") in audit and (None, "dept.remove", "fgk") in audit
    assert (None, "dept.add", "zfk") in audit

    listed = (await world.command("U0SUPER", "部门")).message.all_text()
    assert "综合办公室" in listed and "政法科" in listed and "发展改革科" not in listed
    assert "组织架构文件" in listed
    refused = await world.command("U0SUPER", "部门 新增 税务科")
    assert "不能用命令修改" in refused.text and str(org_file) in refused.text


async def test_a_bad_file_stops_the_start_with_one_line(org_world: tuple) -> None:
    _, org_file, start = org_world
    org_file.write_text('[[department]]\ncode = "bgs"\nname = "办公室"\nhead = "zhang"\n', encoding="utf-8")
    with pytest.raises(OrgFileError) as caught:
        await start()
    assert str(caught.value) == (
        f"organisation file {org_file}: department 'bgs': field head:"
        " a Slack user id like U012ABCDEF, got 'zhang'"
    )
    org_file.write_text(ORG, encoding="utf-8")
    await start()  # a corrected file starts again


async def test_env_roles_follow_the_environment_command_roles_stay(org_world: tuple) -> None:
    world, _, start = org_world
    assert (await world.command("U0SUPER", "角色 授予 <@U0STAFFB> 领导")).status == 200
    assert (await roles(world, "leader")) == {"U0LEADER": "env", "U0DEPUTY": "env", "U0STAFFB": "command"}
    world = await start(leaders=("U0LEADER",))  # U0DEPUTY removed from DUBAN_LEADERS
    assert (await roles(world, "leader")) == {"U0LEADER": "env", "U0STAFFB": "command"}
    world = await start(leaders=("U0LEADER", "U0STAFFB"))  # now also listed: still held by command
    world = await start(leaders=("U0LEADER",))
    assert (await roles(world, "leader")) == {"U0LEADER": "env", "U0STAFFB": "command"}


async def test_a_department_follows_a_slack_user_group(org_world: tuple) -> None:
    world, org_file, start = org_world
    org_file.write_text(
        ORG + '\n[[department]]\ncode = "zfk"\nname = "政法科"\nhead = "U0SUPER2"\nusergroup = "S0ZFK"\n',
        encoding="utf-8",
    )
    world.slack.set_usergroup("S0ZFK", ["U0SUPER", "U0STAFFB"])  # U0STAFFB is listed in fgk: stays there
    world = await start()
    await world.tick()
    zfk = (await departments(world))["zfk"]
    assert await members(world, zfk.id) == {"U0SUPER", "U0SUPER2"}
    calls = world.slack.calls_to("usergroups.users.list")
    assert [c.params.get("usergroup") for c in calls] == ["S0ZFK"] and all(c.ok for c in calls)

    world.slack.set_usergroup("S0ZFK", ["U0GONE"])
    await world.runtime.services.org.sync_usergroups(force=True)
    assert await members(world, zfk.id) == {"U0GONE", "U0SUPER2"}


async def test_the_emulator_refuses_what_slack_refuses_for_user_groups(org_world: tuple) -> None:
    world, _, _ = org_world
    world.slack.set_usergroup("S0ZFK", ["U0SUPER"])
    client = AsyncWebClient(token=TOKEN, base_url=world.slack.api_url)
    assert (await client.usergroups_users_list(usergroup="S0ZFK"))["users"] == ["U0SUPER"]
    with pytest.raises(SlackApiError) as unknown:
        await client.usergroups_users_list(usergroup="S0ZFK", include_count=True)
    assert unknown.value.response["error"] == "invalid_arguments"
    world.slack.take_refusals()
    with pytest.raises(SlackApiError) as missing:
        await client.usergroups_users_list(usergroup="S0NONE")
    assert missing.value.response["error"] == "no_such_subteam"
    world.slack.api.ctx.scopes = ("chat:write", "users:read")  # installed before usergroups:read
    with pytest.raises(SlackApiError) as scope:
        await client.usergroups_users_list(usergroup="S0ZFK")
    assert scope.value.response["error"] == "missing_scope"
    assert scope.value.response["needed"] == "usergroups:read"
    # The sweep logs it and goes on; the members stay as they were.
    assert await world.runtime.services.org.sync_usergroups(force=True) == 0
