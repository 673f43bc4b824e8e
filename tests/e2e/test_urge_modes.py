"""Every kind of urging can be logged (电话催办, 当面催办, 现场督办, 暗访, S1/S5) with one form; the bot's
own Slack check-ins are 提醒/消息催办; the mode shows in the dossier, the timeline and bulletins."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ItemEventRow, UrgeRecordRow
from tests.e2e.conftest import World
from tests.e2e.test_urging import with_text

VISIT = {
    "mode": "on_site",
    "callee": "U0HEADA",
    "call_date": "2026-11-26",
    "call_time": "15:10",
    "answered_by": "张伟及科室人员",
    "summary": "现场查看堤防加固，已完成七成",
    "promised": "2026-12-04",
}


async def _log(world: World, values: dict[str, object], user: str = "U0SUPER") -> dict[str, str]:
    await world.command(user, "电话 1")
    view = world.slack.open_view(user)
    assert view is not None
    modes = [b for b in view.blocks if b.get("block_id") == "mode"]
    assert modes, "the urging form offers the mode"
    world.slack.state.view_errors.pop(user, None)
    await world.slack.submit(user, view, values)
    await world.deliver()
    return world.slack.last_view_errors(user)


async def test_the_form_logs_an_on_site_visit_with_its_mode(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 堤防加固 截止 12月20日")
    assert await _log(world, VISIT) == {}
    [visit] = await world.rows(select(UrgeRecordRow).where(UrgeRecordRow.rung == "call"))
    assert (visit.channel, visit.note, visit.details["mode"]) == ("on_site", VISIT["summary"], "on_site")
    assert "现场督办已记入卷宗" in world.slack.dm("U0SUPER")[-1].all_text()
    [event] = await world.rows(select(ItemEventRow).where(ItemEventRow.kind == "call_logged"))
    assert event.payload["mode"] == "on_site" and event.payload["answered_by"] == "张伟及科室人员"
    shown = (await world.command("U0SUPER", "show 1")).message.all_text()
    assert "记录现场督办" in shown and "电话催办" not in shown

    assert await _log(world, {**VISIT, "mode": "unannounced", "summary": "暗访窗口服务"}) == {}
    assert await _log(world, {**VISIT, "mode": "in_person", "summary": "约谈科长"}) == {}
    channels = [r.channel for r in await world.rows(select(UrgeRecordRow).order_by(UrgeRecordRow.id))]
    assert channels[-3:] == ["on_site", "unannounced", "in_person"]
    assert (await world.item("DB-2026-0001")).urge_round == 3


async def test_check_ins_are_message_urging_and_bulletins_count_each_mode(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 堤防加固 截止 12月20日")
    await world.run_until(lambda: with_text(world, "U0HEADA", "提醒/消息催办"))
    [checkin] = with_text(world, "U0HEADA", "提醒/消息催办")
    assert "电话催办" not in checkin.all_text()
    await world.command("U0SUPER", "电话 1")
    view = world.slack.open_view("U0SUPER")
    assert view is not None
    await world.slack.submit(
        "U0SUPER",
        view,
        {
            **VISIT,
            "mode": "phone",
            "call_date": world.local_now().date().isoformat(),
            "promised": "2026-12-31",  # the owner's promise lies ahead (a past one is refused)
        },
    )
    await world.deliver()
    bulletin = (await world.command("U0SUPER", "通报 周")).message.all_text()
    assert "本期催办" in bulletin
    assert "提醒/消息催办 1" in bulletin and "电话催办 1" in bulletin and "暗访 0" in bulletin
