"""Bad input, missing rights, forged or replayed requests: a clear localised answer, nothing half-written."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.emulator.transport import FORM, sign
from tests.e2e.conftest import SECRET, World


async def assert_nothing_created(world: World) -> None:
    assert await world.item_count() == 0
    assert await world.outbox() == []
    assert all(not world.slack.dm(u) for u in ("U0HEADA", "U0HEADB", "U0STAFFA"))


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        ("U0STAFFA", "交办 <@U0HEADA> 修订预案 截止 12-05", "只有领导 / 督查人员可以交办事项"),
        (
            "U0HEADB",
            "assign <@U0HEADA> Revise the plan due 12-05",
            "Only leaders or supervisors may assign items",
        ),
        ("U0LEADER", "交办 <@U0HEADA> 修订预案 截止 2026-02-30", "2026-02-30"),
        ("U0LEADER", "交办 <@U0HEADA> 修订预案 截止 2026-11-01", "2026-11-01"),
        ("U0LEADER", "交办 @nobody 修订预案 截止 12-05", "找不到 @nobody"),
        ("U0LEADER", "交办 <@U0NOSUCH> 修订预案 截止 12-05", "找不到"),
        ("U0LEADER", "交办 <@U0GONE|赵磊> 修订预案", "赵磊 已离开工作区"),
        ("U0LEADER", "交办 <@U0HEADA> 截止 12-05", "标题"),
        ("U0LEADER", "交办 <@U0HEADA> " + "长" * 201 + " 截止 12-05", "200"),
        ("U0LEADER", "交办 修订预案 截止 12-05", "@"),
        ("U0LEADER", "frobnicate 1", "frobnicate"),
        ("U0DEPUTY", "assign <@U0HEADA> Plan source astrology", "astrology"),
    ],
)
async def test_bad_assignments_are_refused_with_a_reason(
    world: World, user: str, text: str, expected: str
) -> None:
    reply = await world.command(user, text)
    assert reply.status == 200
    assert expected in reply.text, reply.text
    assert reply.json.get("response_type", "ephemeral") == "ephemeral"
    await assert_nothing_created(world)


async def _raw_slash(world: World, *, timestamp: int, signature: str | None = None) -> int:
    body = urlencode(
        {
            "command": "/duban",
            "text": "assign <@U0HEADA> forged due 12-05",
            "user_id": "U0LEADER",
            "team_id": "T0DEMO",
            "channel_id": "D0001",
            "trigger_id": "forged.1",
            "response_url": "http://127.0.0.1:9/none",
        }
    ).encode()
    reply = await world.slack.post_signed(
        body, FORM, timestamp=timestamp, signature=signature or sign(SECRET, timestamp, body)
    )
    return reply.status


async def test_forged_signature_is_rejected(world: World) -> None:
    now = int(time.time())
    assert await _raw_slash(world, timestamp=now, signature="v0=" + "0" * 64) == 401
    await assert_nothing_created(world)


async def test_stale_timestamp_is_rejected_even_if_correctly_signed(world: World) -> None:
    assert await _raw_slash(world, timestamp=int(time.time()) - 600) == 401
    await assert_nothing_created(world)


async def test_replayed_command_creates_one_item(world: World) -> None:
    now = int(time.time())
    assert await _raw_slash(world, timestamp=now) == 200
    assert await _raw_slash(world, timestamp=now) == 200  # the very same signed request again
    await world.deliver()
    assert await world.item_count() == 1
    assert len(world.slack.dm("U0HEADA")) == 1


async def test_user_text_never_pings_or_broadcasts(world: World) -> None:
    await world.command(
        "U0LEADER", "assign <@U0HEADA> Fix <!channel> now <!subteam^S1|@ops> & <@U0SUPER> due 12-05"
    )
    [notice] = world.slack.dm("U0HEADA")
    raw = repr(notice.blocks) + notice.text
    assert "<!channel>" not in raw and "<!subteam" not in raw
    assert "&lt;!channel&gt;" in raw


async def test_health_check_reports_the_database(world: World) -> None:
    url = world.slack.app_url.replace("/slack/events", "/healthz")
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert (await response.json()) == {"ok": True}


async def test_holiday_calendar_is_for_admins_and_changes_working_days(world: World) -> None:
    refused = await world.command("U0LEADER", "holiday 2026-12-01 off")
    assert "管理员" in refused.text
    await world.command("U0SUPER", "节假日 2026-11-27 休 单位活动")
    # Friday 27 November is now off: one working day after Thursday 26 is Monday 30.
    await world.command("U0SUPER", "交办 <@U0HEADA> 调研 截止 1个工作日")
    assert (await world.item("DB-2026-0001")).current_due.isoformat() == "2026-11-30"
    listing = await world.command("U0SUPER", "节假日 列表 2026")
    assert "单位活动" in listing.text


async def test_a_year_without_holiday_data_is_computed_and_provisional(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Long task due 2035-03-01")
    assert await world.item_count() == 1
    world.advance(days=365 * 9)
    reply = await world.command("U0LEADER", "assign <@U0HEADA> Later task due 3wd")
    assert await world.item_count() == 2  # working days in 2035 are computed, never refused
    assert reply.message is not None and "暂定" in reply.message.all_text()


async def test_a_request_replayed_at_the_same_moment_still_creates_one_item(world: World) -> None:
    import asyncio

    now = int(time.time())
    statuses = await asyncio.gather(*(_raw_slash(world, timestamp=now) for _ in range(4)))
    assert statuses == [200, 200, 200, 200]
    await world.deliver()
    assert await world.item_count() == 1
    assert len(world.slack.dm("U0HEADA")) == 1
