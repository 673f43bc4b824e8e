"""Two-level 拟办呈批 and the bulletin sign-off, through `duban serve` started from environment variables
alone (issue 12 §5), on SQLite and PostgreSQL: the state is in the database, so a kill between the steps
changes nothing, and nothing is posted twice."""

from __future__ import annotations

import re
import signal
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.emulator.driver import SlackEmulator
from bot.emulator.state import Message

from .conftest import BULLETIN, LEADER, SUPERVISOR, WAIT, Service

STAFF, DEPUTY = "U0STAFFA", "U0DEPUTY"
ORG = f"""
[[department]]
code = "bgs"
name = "办公室"
name_en = "General Office"
head = "U0HEADA"
leader = "{DEPUTY}"
members = ["{STAFF}"]
"""
# Slack-level contract: the buttons' action ids and the reason form's field.
APPROVE, REJECT = "proposal_approve", "proposal_reject"
PUBLISH = "bulletin_signoff_publish"


def buttons(message: Message) -> list[str]:
    return [b.action_id for b in message.buttons()]


def with_button(slack: SlackEmulator, user: str, action: str) -> list[Message]:
    return [m for m in slack.dm(user) if action in buttons(m)]


@pytest.fixture
async def flow_service(emulator: SlackEmulator, empty_db_url: str, tmp_path: Path) -> AsyncIterator[Service]:
    svc = Service("serve", emulator, empty_db_url, tmp_path)
    org_file = tmp_path / "org.toml"
    org_file.write_text(ORG, encoding="utf-8")
    svc.env.update(
        DUBAN_ORG_FILE=str(org_file),
        DUBAN_LEADERS=f"{LEADER},{DEPUTY}",
        DUBAN_PRINCIPAL_LEADER=LEADER,
        DUBAN_APPROVAL_SOURCES="meeting_decision",
        DUBAN_APPROVAL_LEVELS="2",
        DUBAN_BULLETIN_SIGNOFF="1",
    )
    try:
        yield svc
    finally:
        await svc.cleanup()
        print(svc.output())


async def test_two_level_approval_from_configuration_alone(
    flow_service: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    await flow_service.start()
    due = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=20)).isoformat()
    answer = (
        await slack.slash(SUPERVISOR, f"assign <@{STAFF}> 落实会议决定 due {due} source meeting")
    ).message
    assert answer is not None
    number = re.findall(r"DB-\d{4}-\d{4}", answer.all_text())[0]

    # The unit's 分管领导 (from the organisation file) reviews first; the principal has nothing yet.
    [review] = await slack.wait_for(lambda: with_button(slack, DEPUTY, APPROVE), max_wait=WAIT)
    assert number in review.all_text() and with_button(slack, LEADER, APPROVE) == []
    assert (await slack.click(DEPUTY, review, APPROVE)).status == 200
    [decision] = await slack.wait_for(lambda: with_button(slack, LEADER, APPROVE), max_wait=WAIT)
    assert number in decision.all_text()

    # Killed and started again: the proposal still waits for the principal, who rejects it with a reason.
    assert await flow_service.stop(signal.SIGKILL) == -signal.SIGKILL
    await flow_service.start()
    assert (await slack.click(LEADER, decision, REJECT)).status == 200
    form = await slack.wait_for(lambda: slack.open_view(LEADER), max_wait=WAIT)
    await slack.submit(LEADER, form, {"reason": "  "})
    assert set(slack.last_view_errors(LEADER)) == {"reason"}  # a rejection says why
    assert (await slack.submit(LEADER, form, {"reason": "与年度计划重复"})).json == {}
    told = await slack.wait_for(
        lambda: [m for m in slack.dm(SUPERVISOR) if "与年度计划重复" in m.all_text()], max_wait=WAIT
    )
    assert number in told[0].all_text()
    assert slack.dm(STAFF) == []  # never issued

    # A second proposal through both levels is issued to the owner, once.
    answer = (await slack.slash(SUPERVISOR, f"assign <@{STAFF}> 第二项 due {due} source meeting")).message
    assert answer is not None
    second = re.findall(r"DB-\d{4}-\d{4}", answer.all_text())[0]
    review = (
        await slack.wait_for(
            lambda: [m for m in with_button(slack, DEPUTY, APPROVE) if second in m.all_text()], max_wait=WAIT
        )
    )[0]
    assert (await slack.click(DEPUTY, review, APPROVE)).status == 200
    decision = (
        await slack.wait_for(
            lambda: [m for m in with_button(slack, LEADER, APPROVE) if second in m.all_text()], max_wait=WAIT
        )
    )[0]
    assert (await slack.click(LEADER, decision, APPROVE)).status == 200
    [notice] = await slack.wait_for(lambda: slack.dm(STAFF), max_wait=WAIT)
    assert second in notice.all_text()
    assert await slack.settle(quiet=1.5, max_wait=WAIT)
    assert len(slack.dm(STAFF)) == 1
    assert await flow_service.stop(signal.SIGTERM) == 0, flow_service.output()


async def test_bulletin_sign_off_from_configuration_alone(
    flow_service: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    await flow_service.start()
    due = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=20)).isoformat()
    await slack.slash(LEADER, f"assign <@{STAFF}> 修订防汛应急预案 due {due}")
    reply = (await slack.slash(SUPERVISOR, "bulletin week post")).message
    assert reply is not None and "签发" in reply.all_text()
    [draft] = await slack.wait_for(lambda: with_button(slack, LEADER, PUBLISH), max_wait=WAIT)
    assert slack.channel_messages(BULLETIN) == []  # nothing before the sign-off

    # Killed and started again: the draft is in the database; posting again makes no second draft.
    assert await flow_service.stop(signal.SIGKILL) == -signal.SIGKILL
    await flow_service.start()
    again = (await slack.slash(SUPERVISOR, "bulletin week post")).message
    assert again is not None and "签发" in again.all_text()
    assert await slack.settle(quiet=1.5, max_wait=WAIT)
    assert len(with_button(slack, LEADER, PUBLISH)) == 1

    assert (await slack.click(LEADER, draft, PUBLISH)).status == 200
    posted = await slack.wait_for(
        lambda: [m for m in slack.channel_messages(BULLETIN) if not m.files], max_wait=WAIT
    )
    assert "修订防汛应急预案" in posted[0].all_text()
    assert await slack.settle(quiet=1.5, max_wait=WAIT)
    assert with_button(slack, LEADER, PUBLISH) == []  # the draft is stamped
    # A restart publishes nothing again.
    assert await flow_service.stop(signal.SIGKILL) == -signal.SIGKILL
    await flow_service.start()
    assert await slack.settle(quiet=2.0, max_wait=WAIT)
    assert len([m for m in slack.channel_messages(BULLETIN) if not m.files]) == 1
    assert await flow_service.stop(signal.SIGTERM) == 0, flow_service.output()
