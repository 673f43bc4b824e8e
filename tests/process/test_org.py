"""`duban serve` started from environment variables and an organisation file (DUBAN_ORG_FILE) alone.

The head of an item's unit receives the written urging notice; a bad file stops the start with one line;
roles follow DUBAN_LEADERS across restarts, except those granted by command. The item is aged in the
database between two runs (what a month of waiting would do): the bot runs on the real clock.
"""

from __future__ import annotations

import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator.driver import SlackEmulator

from .conftest import LEADER, SUPERVISOR, WAIT, Service

HEAD, STAFF, DEPUTY, OTHER = "U0HEADA", "U0STAFFA", "U0DEPUTY", "U0STAFFB"
ORG = f"""
[[department]]
code = "bgs"
name = "办公室"
name_en = "General Office"
head = "{HEAD}"
leader = "{DEPUTY}"
members = ["{STAFF}"]

[[department]]
code = "fgk"
name = "发展改革科"
head = "U0HEADB"
members = ["{OTHER}"]
"""


@pytest.fixture
async def org_service(emulator: SlackEmulator, empty_db_url: str, tmp_path: Path) -> Service:
    svc = Service("serve", emulator, empty_db_url, tmp_path)
    org_file = tmp_path / "org.toml"
    org_file.write_text(ORG, encoding="utf-8")
    svc.env.update(
        DUBAN_ORG_FILE=str(org_file),
        DUBAN_SWEEP_SECONDS="1",
        DUBAN_LEADERS=f"{LEADER},{DEPUTY}",
    )
    try:
        yield svc
    finally:
        await svc.cleanup()
        print(svc.output())


async def answer(slack: SlackEmulator, user_id: str, command_text: str) -> str:
    reply = await slack.slash(user_id, command_text)
    assert reply.status == 200, reply.body
    assert reply.message is not None, f"no visible answer to {command_text!r}"
    return reply.message.all_text()


async def age_item(db_url: str, number: str) -> None:
    """Move the item a month back: issued 40 days ago, due 30 days ago, to be looked at now."""
    now = datetime.now(UTC)
    due = (now.astimezone(ZoneInfo("Asia/Shanghai")) - timedelta(days=30)).date()
    engine = create_async_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE items SET original_due = :due, current_due = :due, created_at = :created,"
                    " next_urge_at = :now, urge_plan = NULL WHERE number = :number"
                ),
                {"due": due, "created": now - timedelta(days=40), "now": now, "number": number},
            )
    finally:
        await engine.dispose()


def write_org(service: Service, content: str) -> Path:
    org_file = Path(service.env["DUBAN_ORG_FILE"])
    org_file.write_text(content, encoding="utf-8")
    return org_file


def notices(slack: SlackEmulator, user_id: str) -> list[str]:
    return [m.all_text() for m in slack.dm(user_id) if "催办通知" in m.all_text()]


async def test_the_head_of_the_unit_receives_the_written_notice(
    org_service: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    await org_service.start()
    depts = await answer(slack, SUPERVISOR, "部门")  # U0SUPER is the admin
    assert "办公室" in depts and f"<@{HEAD}>" in depts and "组织架构文件" in depts

    due = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=10)).isoformat()
    assigned = await answer(slack, LEADER, f"assign <@{STAFF}> 修订防汛应急预案 due {due} urgent")
    [number] = re.findall(r"DB-\d{4}-\d{4}", assigned)[:1]
    await slack.wait_for(lambda: slack.dm(STAFF), max_wait=WAIT)
    assert await org_service.stop(signal.SIGTERM) == 0

    await age_item(org_service.db_url, number)
    await org_service.start()  # the start-up sweep catches up: the overdue item's written notice
    [head_notice] = await slack.wait_for(lambda: notices(slack, HEAD), max_wait=WAIT)
    assert number in head_notice
    assert notices(slack, STAFF)
    assert not notices(slack, "U0HEADB")  # the head of another unit hears nothing
    assert await org_service.stop(signal.SIGTERM) == 0


async def test_roles_follow_the_environment_across_restarts_except_command_grants(
    org_service: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    await org_service.start()
    granted = await answer(slack, SUPERVISOR, f"角色 授予 <@{OTHER}> 领导")
    assert "已授予" in granted
    due = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=10)).isoformat()
    assert "DB-" in await answer(slack, DEPUTY, f"assign <@{STAFF}> Deputy's item due {due}")
    assert await org_service.stop(signal.SIGTERM) == 0

    org_service.env["DUBAN_LEADERS"] = LEADER  # the deputy is removed from the environment
    await org_service.start()
    refused = await answer(slack, DEPUTY, f"assign <@{STAFF}> Another item due {due}")
    assert "Only leaders" in refused or "只有领导" in refused
    assert "DB-" in await answer(slack, OTHER, f"assign <@{STAFF}> 命令授予的领导交办 due {due}")
    roles = await answer(slack, SUPERVISOR, "角色")
    assert f"<@{OTHER}>（命令）" in roles and f"<@{DEPUTY}>" not in roles
    assert await org_service.stop(signal.SIGTERM) == 0


async def test_a_bad_organisation_file_stops_the_start_with_one_line(
    org_service: Service, tmp_path: Path
) -> None:
    org_file = write_org(org_service, ORG.replace('head = "U0HEADB"', 'head = "王科长"'))
    code, output = await org_service.run_to_exit()
    assert code != 0
    lines = output.strip().splitlines()
    assert lines == [
        f"duban: organisation file {org_file}: department 'fgk': field head:"
        " a Slack user id like U012ABCDEF, got '王科长'"
    ]
