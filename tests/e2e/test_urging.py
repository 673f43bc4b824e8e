"""催办 end to end: the ladder on the fake clock, answers, notices, escalation, manual urging, calls,
extensions, catch-up after downtime — through signed requests and the emulated Web API."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from messages import urge_forms
from messages import urging as msg
from storage.models import ExtensionRequestRow, UrgeRecordRow
from tests.e2e.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def texts(world: World, user: str) -> list[str]:
    return [m.all_text() for m in world.slack.dm(user)]


def with_text(world: World, user: str, needle: str) -> list:
    return [m for m in world.slack.dm(user) if needle in m.all_text()]


async def records(world: World) -> list[UrgeRecordRow]:
    return await world.rows(select(UrgeRecordRow).order_by(UrgeRecordRow.id))


async def assign_overdue_candidate(world: World) -> None:
    """刘洋 (office staff, head 张伟) leads an item due Tuesday 15 December."""
    reply = await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    assert "DB-2026-0001" in reply.text


async def test_the_ladder_checkin_answer_due_notice_escalation(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.tick()
    assert len(world.slack.dm("U0STAFFA")) == 1  # just the notice: nothing due yet

    # A routine check-in comes on a working day in working hours, with one-click answers.
    await world.run_until(lambda: with_text(world, "U0STAFFA", "消息催办"))
    [checkin] = with_text(world, "U0STAFFA", "消息催办")
    local = world.local_now()
    assert local.weekday() < 5 and 9 <= local.hour < 18
    assert [b.action_id for b in checkin.buttons()][:3] == list(msg.ANSWER_IDS.values())
    await world.click("U0STAFFA", checkin, msg.ANSWER_IDS["on_track"])
    [answered] = [r for r in await records(world) if r.rung == "checkin"]
    assert (answered.answer, answered.answered_by) == ("on_track", "U0STAFFA")
    assert answered.latency_seconds is not None and answered.latency_seconds >= 0
    assert "已于" in world.slack.dm("U0STAFFA")[1].all_text()  # buttons replaced by the answer stamp
    assert (await world.item("DB-2026-0001")).health == "on_track"

    # Due reminder on the deadline's working day, to every owner.
    await world.run_until(lambda: with_text(world, "U0STAFFA", "今日到期"))
    assert world.local_now().date().isoformat() == "2026-12-15"

    # Overdue: the written urging notice goes to the lead and the head of the lead's department.
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知"))
    assert world.local_now().date().isoformat() == "2026-12-16"
    assert with_text(world, "U0HEADA", "催办通知")
    [notice] = with_text(world, "U0STAFFA", "催办通知")
    assert msg.NOTICE_ANSWER in [b.action_id for b in notice.buttons()]

    # Unanswered: escalation to the responsible leader and the office, once.
    await world.run_until(lambda: with_text(world, "U0LEADER", "升级督办"))
    assert with_text(world, "U0SUPER", "升级督办")
    # Tom (Europe/London) gets it too, but not in his night (the default 21:00-08:00 where he is).
    await world.run_until(lambda: with_text(world, "U0SUPER2", "Escalation"))
    london = world.clock.now().astimezone(ZoneInfo("Europe/London"))
    assert 8 <= london.hour < 21, london
    item = await world.item("DB-2026-0001")
    assert item.escalated_at is not None and item.urge_stage == "escalation"
    for _ in range(5):
        world.advance(days=1)
        await world.tick()
    assert len(with_text(world, "U0LEADER", "升级督办")) == 1

    # Every rung is in the dossier, and each urging key was used once.
    kinds = await world.events("DB-2026-0001")
    assert "urged" in kinds and "urge_answered" in kinds and "escalated" in kinds
    keys = [r.idem_key for r in await records(world)]
    assert len(keys) == len(set(keys))
    shown = await world.command("U0SUPER", "查看 1")
    assert "催办" in shown.message.all_text()


async def test_unanswered_checkin_is_repeated_in_working_hours_only(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.run_until(lambda: with_text(world, "U0STAFFA", "消息催办"))
    await world.run_until(lambda: with_text(world, "U0STAFFA", "请尽快答复"))
    for record in await records(world):
        local = record.sent_at.astimezone(SHANGHAI)
        assert local.weekday() < 5 and 9 <= local.hour < 18, record


async def test_nothing_is_sent_at_night_or_at_the_weekend(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADB> Weekend test due 2026-11-30")
    # Friday 27 November 20:00 through Monday 08:00 local: not a single urging.
    world.clock.set(world.clock.now().replace(day=27, hour=12))
    before = len(world.slack.dm("U0HEADB"))
    for _ in range(60):
        world.advance(hours=1)
        await world.tick()
    assert world.local_now().weekday() == 0 and world.local_now().hour < 9
    assert len(world.slack.dm("U0HEADB")) == before


async def test_restart_after_downtime_catches_up_once(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.tick()
    world.advance(days=22)  # the bot was down from 26 November to 18 December
    world.clock.set(world.clock.now().replace(hour=2))  # 10:00 in Shanghai
    await world.tick()
    await world.tick()
    sent = [r.rung for r in await records(world)]
    assert sent.count("notice") == 2  # the lead and the department head: one notice each
    assert "checkin" not in sent and "due" not in sent  # missed routine rungs are not replayed
    assert len(with_text(world, "U0STAFFA", "催办通知")) == 1


async def test_a_promised_date_on_a_day_off_is_accepted_with_a_warning(world: World) -> None:
    # Issue 12 §7: a promised date on a non-working day is accepted, and the answer says it is a day off.
    await assign_overdue_candidate(world)
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知"))
    [notice] = with_text(world, "U0STAFFA", "催办通知")
    await world.click("U0STAFFA", notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0STAFFA")
    assert view is not None
    await world.slack.submit(
        "U0STAFFA", view, {"reason": "等待上级批复", "progress": "初稿已完成", "new_date": "2026-12-26"}
    )
    await world.deliver()
    [request] = await world.rows(select(ExtensionRequestRow))
    assert request.requested_due.isoformat() == "2026-12-26"  # accepted as typed
    [answered] = with_text(world, "U0STAFFA", "已记录您对")
    assert "不是工作日" in answered.all_text(), answered.all_text()


async def test_notice_answered_with_a_new_date_becomes_an_extension_request(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知"))
    [notice] = with_text(world, "U0STAFFA", "催办通知")
    await world.click("U0STAFFA", notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0STAFFA")
    assert view is not None
    await world.slack.submit(
        "U0STAFFA", view, {"reason": "等待上级批复", "progress": "初稿已完成", "new_date": "2026-12-31"}
    )
    await world.deliver()
    [request] = await world.rows(select(ExtensionRequestRow))
    assert (request.status, request.requested_due.isoformat()) == ("pending", "2026-12-31")
    assert with_text(world, "U0SUPER", "2026年12月31日")
    # The office approves from its DM: the current deadline moves, the original stays.
    [ask] = with_text(world, "U0SUPER", "申请将")
    await world.click("U0SUPER", ask, msg.EXT_APPROVE)
    item = await world.item("DB-2026-0001")
    assert (item.original_due.isoformat(), item.current_due.isoformat()) == ("2026-12-15", "2026-12-31")
    assert with_text(world, "U0STAFFA", "时限已调整为")
    # No escalation for an item whose deadline was extended and re-planned.
    world.advance(days=3)
    await world.tick()
    assert not with_text(world, "U0LEADER", "升级督办")


async def test_extension_by_command_refused(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADB> Budget review due 2026-12-10")
    reply = await world.command("U0HEADB", "extend 1 2026-12-20 waiting for the audit")
    assert "went to the supervision office" in reply.text
    again = await world.command("U0HEADB", "extend 1 2026-12-22 once more")
    assert "already waiting" in again.text
    [ask] = with_text(world, "U0SUPER2", "asks to move")
    await world.click("U0SUPER2", ask, msg.EXT_REFUSE)
    item = await world.item("DB-2026-0001")
    assert item.current_due.isoformat() == "2026-12-10"
    assert with_text(world, "U0HEADB", "was refused")
    # A second click on the stale button says it was already decided.
    await world.click("U0SUPER", with_text(world, "U0SUPER", "申请将")[0], msg.EXT_APPROVE)
    assert "已驳回" in world.slack.ephemerals("U0SUPER")[-1].all_text()
    assert (await world.item("DB-2026-0001")).current_due.isoformat() == "2026-12-10"


async def test_extension_must_be_later_and_only_owners_ask(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADB> Budget review due 2026-12-10")
    assert "must be after" in (await world.command("U0HEADB", "extend 1 2026-12-05 oops")).text
    assert "只有" in (await world.command("U0STAFFA", "延期 1 2026-12-20 我不是责任人")).text
    assert await world.rows(select(ExtensionRequestRow)) == []


async def test_manual_urging_is_rate_limited(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Check the budget due 12-20")
    reply = await world.command("U0SUPER", "催办 1 请今天下班前答复")
    assert "已向" in reply.text
    [urged] = with_text(world, "U0HEADA", "请今天下班前答复")
    assert msg.ANSWER_IDS["on_track"] in [b.action_id for b in urged.buttons()]
    again = await world.command("U0SUPER", "催办 1")
    assert "刚刚催办过" in again.text and "0 分钟" not in again.text
    assert len(with_text(world, "U0HEADA", "催办")) == 1
    refused = await world.command("U0STAFFB", "urge 1")
    assert "只有" in refused.text
    world.advance(minutes=61)
    assert "已向" in (await world.command("U0SUPER", "催办 1")).text


async def test_call_log_form_goes_into_the_dossier(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Check the budget due 12-20")
    await world.command("U0SUPER", "电话 1")
    view = world.slack.open_view("U0SUPER")
    assert view is not None and view.callback_id == urge_forms.CALL_CALLBACK
    await world.slack.submit(
        "U0SUPER",
        view,
        {
            "callee": "U0HEADA",
            "call_date": "2026-11-26",
            "call_time": "15:10",
            "answered_by": "张伟本人",
            "summary": "已布置，周五前报初稿",
            "promised": "2026-12-04",
        },
    )
    await world.deliver()
    [call] = [r for r in await records(world) if r.rung == "call"]
    assert (call.channel, call.note, call.details["promised"]) == (
        "phone",
        "已布置，周五前报初稿",
        "2026-12-04",
    )
    assert call.sent_at.astimezone(SHANGHAI).strftime("%H:%M") == "15:10"
    assert (await world.item("DB-2026-0001")).urge_round == 1
    assert "call_logged" in await world.events("DB-2026-0001")
    # A bad time is a field error, nothing saved.
    await world.command("U0SUPER", "电话 1")
    view = world.slack.open_view("U0SUPER")
    await world.slack.submit(
        "U0SUPER",
        view,
        {
            "callee": "U0HEADA",
            "call_date": "2026-11-26",
            "call_time": "25h",
            "answered_by": "x",
            "summary": "y",
        },
    )
    assert "call_time" in world.slack.last_view_errors("U0SUPER")
    assert len([r for r in await records(world) if r.rung == "call"]) == 1


async def test_urge_the_silent_ones_again(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.run_until(lambda: with_text(world, "U0STAFFA", "催办通知"))
    # The department head answers; the lead stays silent.
    [head_notice] = with_text(world, "U0HEADA", "催办通知")
    await world.click("U0HEADA", head_notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0HEADA")
    await world.slack.submit(
        "U0HEADA", view, {"reason": "人手不足", "progress": "进行中", "new_date": "2026-12-16"}
    )
    await world.deliver()
    card = await world.command("U0SUPER", "查看 1")
    assert "尚未答复" in card.message.all_text()
    lead_before, head_before = (len(with_text(world, u, "催办通知")) for u in ("U0STAFFA", "U0HEADA"))
    await world.click("U0SUPER", card.message, msg.SILENT)
    assert "U0STAFFA" in world.slack.ephemerals("U0SUPER")[-1].all_text()
    # The silent one gets the written notice again (not a routine check-in); the head is left alone.
    assert len(with_text(world, "U0STAFFA", "催办通知")) == lead_before + 1
    assert len(with_text(world, "U0HEADA", "催办通知")) == head_before
    again = await world.command("U0SUPER", "查看 1")
    await world.click("U0SUPER", again.message, msg.SILENT)
    assert "分钟内已催办过" in world.slack.ephemerals("U0SUPER")[-1].all_text()
    # Answering the re-sent notice answers the notice: no escalation follows.
    resent = with_text(world, "U0STAFFA", "催办通知")[-1]
    await world.click("U0STAFFA", resent, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0STAFFA")
    await world.slack.submit(
        "U0STAFFA", view, {"reason": "材料不全", "progress": "补充中", "new_date": "2026-12-16"}
    )
    await world.deliver()
    world.advance(days=4)
    await world.tick()
    await world.deliver()
    assert not with_text(world, "U0LEADER", "升级督办")


async def test_snooze_postpones_checkins_boundedly(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.run_until(lambda: with_text(world, "U0STAFFA", "消息催办"))
    [checkin] = with_text(world, "U0STAFFA", "消息催办")
    snoozed_at = world.clock.now()
    await world.click("U0STAFFA", checkin, msg.SNOOZE)
    assert "之后再提醒您" in world.slack.ephemerals("U0STAFFA")[-1].all_text()
    await world.run_until(
        lambda: (
            len(with_text(world, "U0STAFFA", "消息催办")) + len(with_text(world, "U0STAFFA", "请尽快答复"))
            > 1
        )
    )
    later = [r for r in await records(world) if r.sent_at and r.sent_at > snoozed_at]
    assert later and min(r.sent_at for r in later) >= snoozed_at + timedelta(hours=24)


async def test_two_replicas_urge_each_item_exactly_once(world: World) -> None:
    from bot.app import build_runtime
    from tests.e2e.conftest import e2e_settings

    for n in range(8):
        await world.command("U0LEADER", f"assign <@U0HEADA> Task {n} due 2026-12-01")
    other = await build_runtime(
        e2e_settings(world.runtime.settings.database_url, world.slack.api_url),
        clock=world.clock,
        migrate=False,
    )
    try:
        world.advance(days=6)  # Wednesday 2 December: every item is overdue
        import asyncio

        await asyncio.gather(
            world.runtime.services.sweep(), other.services.sweep(), world.runtime.services.sweep()
        )
        await world.deliver()
    finally:
        await other.close()
    notices = [r for r in await records(world) if r.rung == "notice"]
    assert len(notices) == 8 and len({r.item_id for r in notices}) == 8
    assert len(with_text(world, "U0HEADA", "催办通知")) == 8


async def test_a_progress_report_answers_the_waiting_checkin(world: World) -> None:
    from messages.notices import REPORT

    await assign_overdue_candidate(world)
    await world.run_until(lambda: with_text(world, "U0STAFFA", "消息催办"))
    [checkin] = with_text(world, "U0STAFFA", "消息催办")
    await world.click("U0STAFFA", checkin, REPORT)
    view = world.slack.open_view("U0STAFFA")
    assert view is not None
    await world.slack.submit(
        "U0STAFFA",
        view,
        {"kind": "progress", "percent": "40", "status": "on_track", "done": "完成调研", "next_steps": "起草"},
        enforce_required=False,
    )
    await world.deliver()
    [record] = [r for r in await records(world) if r.rung == "checkin"]
    assert (record.answer, record.answered_by) == ("reported", "U0STAFFA")


async def test_escalation_posts_a_signed_webhook_through_the_outbox(world: World) -> None:
    import hashlib
    import hmac
    import json
    from dataclasses import replace

    from aiohttp import web

    received: list[tuple[bytes, str]] = []
    attempts = 0

    async def gateway(request: web.Request) -> web.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            return web.Response(status=503)  # the gateway hiccups once: retried like any send
        received.append((await request.read(), request.headers["X-Duban-Signature"]))
        return web.json_response({"queued": True})

    app = web.Application()
    app.router.add_post("/sms", gateway)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        ctx = world.runtime.services.ctx
        ctx.settings = replace(
            ctx.settings, escalation_webhook_url=f"http://127.0.0.1:{port}/sms", webhook_secret="s3cret"
        )
        await assign_overdue_candidate(world)
        await world.run_until(lambda: bool(received), step=timedelta(hours=3))
    finally:
        await runner.cleanup()
    [(body, signature)] = received
    assert signature == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    payload = json.loads(body)
    assert (payload["event"], payload["item"], payload["deadline"]) == (
        "escalation",
        "DB-2026-0001",
        "2026-12-15",
    )
    assert attempts == 2


async def test_a_year_without_holiday_data_is_urged_on_weekdays_and_the_office_is_told(world: World) -> None:
    # Due in 2027, for which the published-schedule package has no data yet: computed, and said so.
    await world.command("U0LEADER", "assign <@U0HEADA> Long task due 2027-01-20")
    await world.run_until(lambda: bool(with_text(world, "U0HEADA", "Long task")), step=timedelta(hours=6))
    assert len(with_text(world, "U0SUPER", "2027 年放假安排")) == 1
    assert len(with_text(world, "U0SUPER2", "2027 holiday schedule")) == 1
    world.advance(days=10)
    await world.tick()
    await world.deliver()
    assert len(with_text(world, "U0SUPER", "2027 年放假安排")) == 1  # once per year, not per sweep


async def test_an_extension_request_answers_the_waiting_checkin(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.run_until(lambda: with_text(world, "U0STAFFA", "消息催办"))
    await world.command("U0STAFFA", "延期 1 2026-12-31 等待省厅批复")
    [record] = [r for r in await records(world) if r.rung == "checkin"]
    assert (record.answer, record.answered_by) == ("extension", "U0STAFFA")


async def test_a_deactivated_lead_is_still_chased_to_escalation_and_the_office_is_told(world: World) -> None:
    from sqlalchemy import update

    from storage.models import ItemEventRow, UserRow

    await world.command("U0LEADER", "assign <@U0HEADB> Left the company due 2026-12-15")
    async with world.runtime.sessions.begin() as session:
        await session.execute(update(UserRow).where(UserRow.user_id == "U0HEADB").values(deleted=True))
    world.slack.state.users["U0HEADB"].deleted = True
    await world.run_until(lambda: bool(with_text(world, "U0LEADER", "升级督办")), step=timedelta(hours=6))
    item = await world.item("DB-2026-0001")
    failures = await world.rows(
        select(ItemEventRow).where(ItemEventRow.item_id == item.id, ItemEventRow.kind == "delivery_failed")
    )
    assert failures and "user_disabled" in str(failures[0].payload)
    assert with_text(world, "U0SUPER", "user_disabled")


async def test_a_pending_extension_makes_the_notice_answer_a_field_error_and_saves_nothing(
    world: World,
) -> None:
    await assign_overdue_candidate(world)
    await world.command("U0STAFFA", "延期 1 2026-12-20 先申请延期")
    await world.run_until(lambda: bool(with_text(world, "U0STAFFA", "催办通知")))
    [notice] = with_text(world, "U0STAFFA", "催办通知")
    await world.click("U0STAFFA", notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0STAFFA")
    await world.slack.submit(
        "U0STAFFA", view, {"reason": "原因", "progress": "进展", "new_date": "2026-12-31"}
    )
    assert "new_date" in world.slack.last_view_errors("U0STAFFA") or world.slack.last_view_errors("U0STAFFA")
    [record] = [r for r in await records(world) if r.rung == "notice" and r.recipient_id == "U0STAFFA"]
    assert record.answered_at is None


async def test_the_department_head_may_answer_the_notice_with_a_new_date(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.run_until(lambda: bool(with_text(world, "U0HEADA", "催办通知")))
    [notice] = with_text(world, "U0HEADA", "催办通知")
    await world.click("U0HEADA", notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0HEADA")
    await world.slack.submit(
        "U0HEADA", view, {"reason": "人手不足", "progress": "过半", "new_date": "2026-12-22"}
    )
    await world.deliver()
    [request] = await world.rows(select(ExtensionRequestRow))
    assert (request.requester_id, request.requested_due.isoformat()) == ("U0HEADA", "2026-12-22")


async def test_blocked_alert_escapes_the_title_once(world: World) -> None:
    await world.command("U0SUPER", "assign <@U0HEADA> R&D <plan> review due 2026-12-15")
    await world.run_until(lambda: bool(with_text(world, "U0HEADA", "消息催办")))
    [checkin] = with_text(world, "U0HEADA", "消息催办")
    blocked = next(b for b in checkin.buttons() if b.value and b.value.endswith(":blocked"))
    await world.slack.click("U0HEADA", checkin, msg.ANSWER_IDS["blocked"], button_value=blocked.value)
    await world.deliver()
    [alert] = [m for m in world.slack.dm("U0SUPER") if "受阻" in m.text]
    assert "R&amp;D &lt;plan&gt;" in alert.text and "&amp;amp;" not in alert.text


async def test_coordination_and_call_log_are_idempotent(world: World) -> None:
    await assign_overdue_candidate(world)
    await world.run_until(lambda: bool(with_text(world, "U0LEADER", "升级督办")))
    [escalation] = with_text(world, "U0LEADER", "升级督办")
    await world.click("U0LEADER", escalation, msg.COORDINATE)
    await world.click("U0LEADER", escalation, msg.COORDINATE)
    assert len(with_text(world, "U0STAFFA", "协调会")) == 1
    assert "无需重复" in world.slack.ephemerals("U0LEADER")[-1].all_text()

    await world.command("U0SUPER", "电话 1")
    view = world.slack.open_view("U0SUPER")
    values = {
        "callee": "U0STAFFA",
        "call_date": "2026-12-18",
        "call_time": "10:00",
        "answered_by": "本人",
        "summary": "已催",
    }
    await world.slack.submit("U0SUPER", view, values)
    from bot.emulator import payloads
    from bot.emulator.transport import FORM, interactive_body

    again = payloads.view_submission(
        world.slack.state, user=world.slack.user("U0SUPER"), view=view, trigger_id="9.9.9", token="t"
    )
    await world.slack.post_signed(interactive_body(again), FORM)
    assert len([r for r in await records(world) if r.rung == "call"]) == 1


async def test_refusal_times_are_in_the_readers_timezone(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Check the budget due 12-20")
    await world.command("U0SUPER2", "urge 1")
    refused = await world.command("U0SUPER2", "urge 1")
    # 02:00 UTC + 60 minutes is 03:00 in London (not 11:00 as in Shanghai).
    assert "after 03:00" in refused.text


async def test_the_sender_sees_who_has_answered_as_answers_come(world: World) -> None:
    # An urging by hand: the supervisor who urged gets a tracker, updated when the owner answers.
    await world.command("U0LEADER", "assign <@U0HEADA> Check the budget due 12-20")
    await world.command("U0SUPER", "催办 1 请答复")
    [tracker] = with_text(world, "U0SUPER", "催办已发出")
    assert "尚未答复" in tracker.all_text() and msg.SILENT in [b.action_id for b in tracker.buttons()]
    [urged] = with_text(world, "U0HEADA", "请答复")
    await world.click("U0HEADA", urged, msg.ANSWER_IDS["on_track"])
    [tracker] = with_text(world, "U0SUPER", "催办已发出")
    assert "进展顺利" in tracker.all_text() and "尚未答复" not in tracker.all_text()

    # The written notice: the assigner watches the lead and the department head answer it.
    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订防汛应急预案 截止 2026-12-15")
    await world.run_until(lambda: bool(with_text(world, "U0STAFFA", "催办通知")))
    [notice_tracker] = [
        m for m in with_text(world, "U0LEADER", "催办已发出") if "DB-2026-0002" in m.all_text()
    ]
    assert notice_tracker.all_text().count("尚未答复") == 2
    [head_notice] = with_text(world, "U0HEADA", "催办通知")
    await world.click("U0HEADA", head_notice, msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0HEADA")
    await world.slack.submit(
        "U0HEADA", view, {"reason": "人手不足", "progress": "过半", "new_date": "2026-12-18"}
    )
    await world.deliver()
    [notice_tracker] = [
        m for m in with_text(world, "U0LEADER", "催办已发出") if "DB-2026-0002" in m.all_text()
    ]
    assert notice_tracker.all_text().count("尚未答复") == 1
