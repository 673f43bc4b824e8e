"""通报: scheduled bulletins exactly once (replicas, restarts), previews, manual posting, the chart."""

from __future__ import annotations

import asyncio
import struct
from dataclasses import replace

from sqlalchemy import func, select

from bot.app import build_runtime
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from storage.models import BulletinRow
from tests.e2e.conftest import World, e2e_settings

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def _activity(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案 截止 11月27日")
    await world.command("U0LEADER", "assign <@U0HEADB> Secret staffing plan due 12-20 confidential")


def _bulletins(world: World) -> list:  # type: ignore[type-arg]
    return [m for m in world.slack.channel_messages(DEMO_BULLETIN_CHANNEL) if not m.files]


async def _bulletin_rows(world: World) -> int:
    return int(await world.scalar(select(func.count()).select_from(BulletinRow)))


async def test_monday_morning_posts_the_weekly_bulletin_once_with_its_chart(world: World) -> None:
    await _activity(world)
    world.advance(days=3, hours=22, minutes=59)  # Monday 30 November, 08:59
    await world.runtime.tick()
    assert _bulletins(world) == []

    world.advance(minutes=1)  # 09:00
    await world.runtime.tick()
    [bulletin] = _bulletins(world)
    text = bulletin.all_text()
    assert "督办周通报" in text and "2026年第48周" in text
    assert "DB-2026-0001" in text and "修订防汛应急预案" in text
    assert "保密事项" in text and "DB-2026-0002" not in text and "Secret staffing plan" not in text
    [chart] = [f for f in world.slack.files if f.completed]
    assert chart.content.startswith(PNG_SIGNATURE) and chart.filename.endswith(".png")
    width, height = struct.unpack(">II", chart.content[16:24])
    assert width > 300 and height > 200
    assert DEMO_BULLETIN_CHANNEL in chart.channels

    world.advance(minutes=5)
    await world.runtime.tick()
    assert len(_bulletins(world)) == 1 and len(world.slack.files) == 1
    row = await world.scalar(select(BulletinRow))
    assert (row.kind, row.period_key, row.status) == ("week", "2026-W48", "queued")


async def test_downtime_posts_only_the_latest_missed_period(world: World) -> None:
    await _activity(world)
    world.advance(days=19)  # Monday 14 December: weeks 48, 49 and 50 went by unposted
    await world.runtime.tick()
    keys = {r.period_key for r in await world.rows(select(BulletinRow))}
    assert keys == {"2026-W50", "2026-11"}  # the latest week, and November (due on 1 December)
    world.advance(seconds=5)  # one message per second per channel
    await world.deliver()
    assert len(_bulletins(world)) == 2


async def test_two_replicas_and_a_restart_post_once(world: World) -> None:
    await _activity(world)
    world.advance(days=3, hours=23)  # Monday 09:00
    settings = e2e_settings(world.runtime.settings.database_url, world.slack.api_url)
    second = await build_runtime(settings, clock=world.clock, migrate=False)
    try:
        counts = await asyncio.gather(
            world.runtime.services.publications.sweep(), second.services.publications.sweep()
        )
        assert sorted(counts) == [0, 1]
        await asyncio.gather(world.runtime.dispatcher.drain(), second.dispatcher.drain())
    finally:
        await second.close()
    # A restart at the same minute: a fresh process on the same database.
    restarted = await build_runtime(settings, clock=world.clock, migrate=False)
    try:
        assert await restarted.services.publications.sweep() == 0
        await restarted.dispatcher.drain()
    finally:
        await restarted.close()
    assert len(_bulletins(world)) == 1 and await _bulletin_rows(world) == 1


async def test_preview_is_private_and_post_is_once_per_period(world: World) -> None:
    await _activity(world)
    preview = await world.command("U0SUPER2", "bulletin")
    text = preview.message.all_text()
    assert "Supervision weekly bulletin" in text and "Preview" in text
    assert ":lock: Secret staffing plan" in text  # supervisors may see confidential titles
    staff = await world.command("U0STAFFA", "通报 月")
    assert "保密事项" in staff.message.all_text() and "DB-2026-0002" not in staff.message.all_text()
    assert "Secret staffing plan" not in staff.message.all_text()
    assert _bulletins(world) == []

    refused = await world.command("U0STAFFA", "通报 发布")
    assert refused.text.startswith(":warning:") and _bulletins(world) == []

    posted = await world.command("U0SUPER", "通报 周 发布")
    assert "已发布到" in posted.text
    assert len(_bulletins(world)) == 1
    again = await world.command("U0DEPUTY", "bulletin week post")
    assert "already posted" in again.text
    assert len(_bulletins(world)) == 1 and await _bulletin_rows(world) == 1


# -- manual posts have their own row ------------------------------------------------------------


async def _keys(world: World) -> set[str]:
    return {r.period_key for r in await world.rows(select(BulletinRow))}


async def test_a_manual_post_does_not_take_the_scheduled_bulletin_of_its_period(world: World) -> None:
    await _activity(world)
    posted = await world.command("U0SUPER", "通报 周 发布")  # Thursday 26 November, week 48
    assert "已发布到" in posted.text
    again = await world.command("U0DEPUTY", "bulletin week post")  # once per kind and day
    assert "already posted" in again.text
    assert len(_bulletins(world)) == 1
    world.advance(days=1)  # Friday: another day, another manual post
    assert "已发布到" in (await world.command("U0SUPER", "通报 周 发布")).text
    assert len(_bulletins(world)) == 2

    world.advance(days=2, hours=23)  # Monday 30 November, 09:00: week 48's scheduled bulletin
    await world.tick()
    await world.deliver()
    assert len(_bulletins(world)) == 3
    assert await _keys(world) == {
        "2026-W48:manual:2026-11-26",
        "2026-W48:manual:2026-11-27",
        "2026-W48",
    }
    scheduled = await world.scalar(select(BulletinRow).where(BulletinRow.period_key == "2026-W48"))
    assert scheduled.status == "queued" and scheduled.content["by"] is None
    assert "2026年第48周" in _bulletins(world)[-1].all_text()


async def test_the_scheduled_bulletin_first_then_manual_posts(world: World) -> None:
    await _activity(world)
    world.advance(days=3, hours=23)  # Monday 30 November, 09:00
    await world.tick()
    await world.deliver()
    assert await _keys(world) == {"2026-W48"} and len(_bulletins(world)) == 1

    # The same day, by hand: week 49 and November (both still running) go out, once each.
    assert "posted" in (await world.command("U0DEPUTY", "bulletin week post")).text
    assert "posted" in (await world.command("U0DEPUTY", "bulletin month post")).text
    assert "already posted" in (await world.command("U0DEPUTY", "bulletin month post")).text
    assert len(_bulletins(world)) == 3

    # November's scheduled bulletin still goes out on its first working day of December.
    world.advance(days=1)
    await world.tick()
    await world.deliver()
    assert await _keys(world) == {
        "2026-W48",
        "2026-W49:manual:2026-11-30",
        "2026-11:manual:2026-11-30",
        "2026-11",
    }
    assert len(_bulletins(world)) == 4


# -- returns count once, in the period they happened; the score weights come from the settings ----


async def _final_report_and_return(world: World) -> None:
    from tests.e2e.test_reports import FINAL, report, review

    await world.command("U0LEADER", "assign <@U0HEADA> 修订防汛应急预案 due 12-15")
    await report(world, "U0HEADA", FINAL)
    returned = {"decision": "return", "reasons": "数据不全", "new_due": "2026-12-20"}
    assert await review(world, "U0SUPER", "1", returned) == {}  # Thursday 26 November, week 48


async def test_a_return_costs_its_points_once_in_the_period_it_happened(world: World) -> None:
    await _final_report_and_return(world)
    world.advance(days=3, hours=23)  # Monday 30 November, 09:00: week 48
    await world.tick()
    world.advance(days=7)  # Monday 7 December, 09:00: week 49 (and November, on the 1st)
    await world.tick()
    rows = {r.period_key: r.content for r in await world.rows(select(BulletinRow))}
    assert set(rows) == {"2026-W48", "2026-W49", "2026-11"}
    assert (rows["2026-W48"]["returns"], rows["2026-W48"]["score"]) == (1, -2)
    assert (rows["2026-11"]["returns"], rows["2026-11"]["score"]) == (1, -2)
    assert (rows["2026-W49"]["returns"], rows["2026-W49"]["score"]) == (0, 0)  # not again


async def test_a_changed_score_weight_changes_the_bulletin_and_home_scores(world: World) -> None:
    await _final_report_and_return(world)
    settings = replace(
        e2e_settings(world.runtime.settings.database_url, world.slack.api_url), score_return=-5
    )
    other = await build_runtime(settings, clock=world.clock, migrate=False)
    try:
        outcome = await other.services.publications.bulletins.post("U0SUPER", "week")
        assert outcome.posted
        home = await other.services.publications.dashboard.home("U0LEADER")
        assert sum(f.score for f in home.departments.values()) == -5
        default_home = await world.runtime.services.publications.dashboard.home("U0LEADER")
        assert sum(f.score for f in default_home.departments.values()) == -2
    finally:
        await other.close()
    row = await world.scalar(select(BulletinRow))
    assert (row.content["returns"], row.content["score"]) == (1, -5)


# -- the office's time limits -------------------------------------------------------------------


async def test_a_co_owners_final_report_is_not_waiting_for_review(world: World) -> None:
    from tests.e2e.test_reports import FINAL, report

    await world.command("U0LEADER", "assign <@U0HEADA> <@U0STAFFA> 修订防汛应急预案 due 12-15")
    await report(world, "U0STAFFA", FINAL)  # the co-owner's part: it goes to the lead, not the office
    world.advance(days=4)  # Monday 30 November: Friday's review limit has passed
    view, _ = await world.runtime.services.publications.bulletins.preview("U0SUPER", "month")
    assert view.office is not None
    assert (view.office.reviews_checked, view.office.reviews_waiting_late) == (0, 0)


async def test_only_the_leads_final_report_waits_for_review(world: World) -> None:
    from tests.e2e.test_reports import FINAL, report

    await world.command("U0LEADER", "assign <@U0HEADA> <@U0STAFFA> 修订防汛应急预案 due 12-15")
    await report(world, "U0STAFFA", FINAL)
    await report(world, "U0HEADA", FINAL, world.slack.dm("U0HEADA")[0])  # this one waits for the office
    world.advance(days=4)  # Monday 30 November: the review was due on Friday
    view, _ = await world.runtime.services.publications.bulletins.preview("U0SUPER", "month")
    assert view.office is not None
    assert (view.office.reviews_checked, view.office.reviews_waiting_late) == (0, 1)
