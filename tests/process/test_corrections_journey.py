"""Corrections and the message shortcut through `duban serve` / `duban socket` started from the environment.

The bot runs on the real clock and today's real date: deadlines are computed from today, and the
follow-through chase is checked against the working-day calendar of today (on a rest day nothing may
be chased; on a working day the co-owner who never acknowledged is). Everything is reached through
signed requests (or Socket Mode envelopes) and observed as Web API calls and answers only.
"""

from __future__ import annotations

import re
import signal
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator.driver import SlackEmulator
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL

from .conftest import LEADER, SUPERVISOR, WAIT, Service
from .test_journey import command, sent_messages
from .test_night_journey import zone_at

LEAD, CO, NEW_LEAD = "U0HEADA", "U0HEADB", "U0STAFFA"  # 张伟 (zh), Sarah Lee (en), 刘洋 (zh)
ENGLISH_LEADER = "U0DEPUTY"  # Emily Chen, en-US; a leader only by the environment below
SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(SHANGHAI).date()


def number_in(answer: str) -> str:
    found = re.findall(r"DB-\d{4}-\d{4}", answer)
    assert found, answer
    return found[0]


async def test_edit_reassign_and_withdraw_from_configuration_alone(
    service: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    service.env["DUBAN_LEADERS"] = f"{LEADER},{ENGLISH_LEADER}"
    await service.start()
    due, later = (today() + timedelta(days=d) for d in (10, 24))
    number = number_in(await command(slack, LEADER, f"交办 <@{LEAD}> <@{CO}> 修订防汛应急预案 截止 {due}"))
    await slack.wait_for(lambda: slack.dm(LEAD) and slack.dm(CO), max_wait=WAIT)

    # 修改: the English-speaking leader edits in the modal; owners hear of the new terms in their language.
    assert (await slack.slash(ENGLISH_LEADER, f"edit {number}")).status == 200
    form = await slack.wait_for(lambda: slack.open_view(ENGLISH_LEADER), max_wait=WAIT)
    told_before = len(slack.dm(CO))
    answer = await slack.submit(
        ENGLISH_LEADER,
        form,
        {
            "title": "修订防汛抗旱应急预案",
            "requirements": "增加抗旱章节",
            "due": later.isoformat(),
            "source": "meeting_decision",
            "confidential": [],
        },
    )
    assert answer.json == {} and slack.last_view_errors(ENGLISH_LEADER) == {}
    [told] = await slack.wait_for(lambda: slack.dm(CO)[told_before:], max_wait=WAIT)
    assert "Deadline" in told.all_text() and "Requirements" in told.all_text()
    await slack.wait_for(lambda: "办理时限" in slack.dm(LEAD)[-1].all_text(), max_wait=WAIT)
    card = await command(slack, SUPERVISOR, f"show {number}")
    assert "修订防汛抗旱应急预案" in card and "修改" in card

    # A malformed edit comes back on the form, localised, and changes nothing.
    assert (await slack.slash(ENGLISH_LEADER, f"edit {number}")).status == 200
    form = await slack.wait_for(lambda: slack.open_view(ENGLISH_LEADER), max_wait=WAIT)
    await slack.submit(ENGLISH_LEADER, form, {"due": (today() - timedelta(days=3)).isoformat()})
    errors = slack.last_view_errors(ENGLISH_LEADER)
    assert set(errors) == {"due"} and re.search(r"[A-Za-z]", errors["due"]), errors
    await slack.close_view(ENGLISH_LEADER)

    # 改派: the lead is handed over; the new lead gets the supervision notice, the old one is told.
    dms_before = len(slack.dm(NEW_LEAD))
    answer = await command(slack, SUPERVISOR, f"改派 {number} <@{NEW_LEAD}>")
    assert f"由 <@{LEAD}> 改派给 <@{NEW_LEAD}>" in answer
    [notice] = await slack.wait_for(lambda: slack.dm(NEW_LEAD)[dms_before:], max_wait=WAIT)
    assert number in notice.all_text() and "督查通知单" in notice.all_text()
    refused = await command(slack, LEAD, f"reassign {number} <@{LEAD}>")
    assert "只有领导 / 督查人员可以改派责任人" in refused

    # 撤销: everyone still on the item is told, and the item leaves the open list for good.
    withdrawn_before = {u: len(slack.dm(u)) for u in (NEW_LEAD, CO)}
    answer = await command(slack, SUPERVISOR, f"撤销 {number} 重复立项")
    assert f"已撤销 *{number}*" in answer
    for user in (NEW_LEAD, CO):
        await slack.wait_for(lambda u=user: slack.dm(u)[withdrawn_before[u] :], max_wait=WAIT)
    assert "withdrew the supervision item" in slack.dm(CO)[-1].all_text()
    assert "撤销" in slack.dm(NEW_LEAD)[-1].all_text() and "重复立项" in slack.dm(NEW_LEAD)[-1].all_text()
    again = await command(slack, SUPERVISOR, f"edit {number}")
    assert "撤销" in again and slack.open_view(SUPERVISOR) is None
    assert await slack.settle(quiet=1.5, max_wait=WAIT)
    before = sent_messages(slack)

    # A restart re-sends nothing and keeps the withdrawn state.
    assert await service.stop(signal.SIGKILL) == -signal.SIGKILL
    await service.start()
    assert await slack.settle(quiet=2.0, max_wait=WAIT)
    after = sent_messages(slack)
    assert after == before, "a correction notice was sent again after the restart"
    assert "撤销" in await command(slack, SUPERVISOR, f"show {number}")
    assert await service.stop(signal.SIGTERM) == 0, service.output()


async def test_message_shortcut_from_configuration_alone(service: Service, emulator: SlackEmulator) -> None:
    slack = emulator
    await service.start()
    posted = await slack.post_message(LEAD, DEMO_BULLETIN_CHANNEL, "请各科室周五前报送防汛物资清单")
    assert posted.message is not None

    # Someone who may not assign is told so, in their language, and no form opens.
    assert (await slack.message_shortcut(CO, posted.message, "duban_message")).status == 200
    await slack.wait_for(lambda: slack.ephemerals(CO), max_wait=WAIT)
    assert "Only leaders or supervisors may assign items" in slack.ephemerals(CO)[-1].all_text()
    assert slack.open_view(CO) is None

    assert (await slack.message_shortcut(LEADER, posted.message, "duban_message")).status == 200
    form = await slack.wait_for(lambda: slack.open_view(LEADER), max_wait=WAIT)
    assert form.callback_id == "assign_from_message"
    due = (today() + timedelta(days=7)).isoformat()
    answer = await slack.submit(LEADER, form, {"lead": LEAD, "due": due})
    assert answer.json == {} and slack.last_view_errors(LEADER) == {}
    [notice] = await slack.wait_for(lambda: slack.dm(LEAD), max_wait=WAIT)
    assert "督查通知单" in notice.all_text() and "请各科室周五前报送防汛物资清单" in notice.all_text()
    link = await slack.wait_for(lambda: slack.calls_to("chat.getPermalink"), max_wait=WAIT)
    assert link[0].params["message_ts"] == posted.message.ts
    assert await service.stop(signal.SIGTERM) == 0, service.output()


async def _age_issue(db_url: str, number: str, days: int) -> None:
    """What `days` days of silence would do: the notice went out that long ago."""
    engine = create_async_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE item_events SET at = :at WHERE kind = 'issued'"
                    " AND item_id = (SELECT id FROM items WHERE number = :number)"
                ),
                {"at": datetime.now(UTC) - timedelta(days=days), "number": number},
            )
    finally:
        await engine.dispose()


async def test_a_silent_co_owner_is_chased_on_working_days_only(
    service: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    # Day in the office and for both owners, whatever the hour the suite runs at: at night the chase would
    # wait for the morning (test_night_journey's subject), and this test would wait in vain.
    day = zone_at(datetime.now(UTC), 11)
    service.env.update(DUBAN_SWEEP_SECONDS="1", DUBAN_TIMEZONE=day.key)
    for owner in (LEAD, CO):
        slack.state.users[owner].tz = day.key
    office_today = datetime.now(day).date()
    await service.start()
    due = (office_today + timedelta(days=20)).isoformat()
    number = number_in(await command(slack, LEADER, f"assign <@{LEAD}> <@{CO}> 编制年度督查计划 due {due}"))
    [notice] = await slack.wait_for(lambda: slack.dm(LEAD), max_wait=WAIT)
    assert (await slack.click(LEAD, notice, "item_ack")).status == 200  # the lead answers, the co-owner never
    await slack.wait_for(lambda: slack.dm(CO), max_wait=WAIT)
    await _age_issue(service.db_url, number, days=10)
    co_before = len(slack.dm(CO))

    if chinese_calendar.is_workday(office_today):
        [chase] = await slack.wait_for(lambda: slack.dm(CO)[co_before:], max_wait=WAIT)
        assert number in chase.all_text()
        assert await slack.settle(quiet=3.0, max_wait=WAIT)  # three more sweeps: chased once a day only
        assert len(slack.dm(CO)) == co_before + 1
    else:  # a weekend or a public holiday: several sweeps pass and nobody is chased
        assert await slack.settle(quiet=3.0, max_wait=WAIT)
        assert len(slack.dm(CO)) == co_before
    # Either way the office sees who has not answered.
    card = await command(slack, SUPERVISOR, f"show {number}")
    assert number in card
    assert await service.stop(signal.SIGTERM) == 0, service.output()
