"""An organisation run from configuration alone: `duban serve` and `duban socket`, started as operators do.

One journey per mode and database: roles from the environment, a leader assigns, the owner acknowledges
through the button and reports, the supervisor reviews; the process is killed and started again on the
same database (everything still there, nothing sent twice); finally SIGTERM stops it cleanly.
The bot runs on the real clock, so dates are computed from today and nothing depends on the hour.
"""

from __future__ import annotations

import re
import signal
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.emulator.driver import SlackEmulator
from bot.emulator.state import Message

from .conftest import LEADER, SUPERVISOR, WAIT, Service

OWNER = "U0HEADA"
# Slack-level contract: the action_ids of the notice's buttons and the fields of the two forms.
ACK, REPORT = "item_ack", "item_report"
FINAL = {"kind": "final", "percent": "100", "status": "on_track", "done": "预案已修订印发"}
APPROVE = {"decision": "approve", "checklist": ["policy", "intent", "facts", "conclusion", "format"]}


def buttons(message: Message) -> list[str]:
    return [b.action_id for b in message.buttons()]


async def command(slack: SlackEmulator, user_id: str, text: str) -> str:
    reply = await slack.slash(user_id, text)
    assert reply.status == 200, reply.body
    assert reply.message is not None, f"no visible answer to {text!r}"
    return reply.message.all_text()


def sent_messages(slack: SlackEmulator) -> list[tuple[str, str]]:
    """What the bot has posted so far, as (conversation, text)."""
    return [
        (str(c.params.get("channel")), str(c.params.get("text")))
        for c in slack.calls_to("chat.postMessage")
        if c.ok
    ]


async def test_journey_from_configuration_alone(service: Service, emulator: SlackEmulator) -> None:
    slack = emulator
    await service.start()
    due = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=10)).isoformat()

    # Roles come from DUBAN_LEADERS: the leader may assign, an ordinary member may not.
    refused = await command(slack, OWNER, f"assign <@{OWNER}> 自己交办自己 due {due}")
    assert "只有领导" in refused
    answer = await command(slack, LEADER, f"assign <@{OWNER}> 修订防汛应急预案 due {due}")
    numbers = re.findall(r"DB-\d{4}-\d{4}", answer)
    assert numbers, answer
    number = numbers[0]

    # The owner's notice arrives through the outbox; acknowledging it stamps the notice in place.
    [notice] = await slack.wait_for(lambda: slack.dm(OWNER), max_wait=WAIT)
    assert number in notice.all_text() and ACK in buttons(notice)
    assert (await slack.click(OWNER, notice, ACK)).status == 200
    await slack.wait_for(lambda: ACK not in buttons(slack.dm(OWNER)[0]), max_wait=WAIT)

    # A final report through the form, then the supervisor's review approves it.
    assert (await slack.click(OWNER, slack.dm(OWNER)[0], REPORT)).status == 200
    form = await slack.wait_for(lambda: slack.open_view(OWNER), max_wait=WAIT)
    assert (await slack.submit(OWNER, form, FINAL)).json == {}
    assert slack.open_view(OWNER) is None
    assert (await slack.slash(SUPERVISOR, f"review {number}")).status == 200  # the answer is the form
    review = await slack.wait_for(lambda: slack.open_view(SUPERVISOR), max_wait=WAIT)
    assert (await slack.submit(SUPERVISOR, review, APPROVE)).json == {}
    assert slack.last_view_errors(SUPERVISOR) == {}
    await slack.wait_for(lambda: any("审核通过" in m.all_text() for m in slack.dm(SUPERVISOR)), max_wait=WAIT)
    card_before = await command(slack, LEADER, f"show {number}")
    assert number in card_before
    assert await slack.settle(quiet=1.5, max_wait=WAIT)
    before = sent_messages(slack)

    # Killed without warning and started again on the same database: all still there, nothing re-sent.
    assert await service.stop(signal.SIGKILL) == -signal.SIGKILL
    await service.start()
    assert await command(slack, LEADER, f"show {number}") == card_before
    assert await slack.settle(quiet=2.0, max_wait=WAIT)
    after = sent_messages(slack)
    assert after[: len(before)] == before  # whatever was still queued at the kill may follow, but only once
    assert len(after) == len(set(after)), "a message was posted twice"
    second = re.findall(
        r"DB-\d{4}-\d{4}", await command(slack, LEADER, f"assign <@{OWNER}> 第二件事 due {due}")
    )
    assert second and second[0] != number  # numbering continues after the restart

    # SIGTERM, as a process manager stops it: a clean exit (stop() fails the test if it hangs).
    assert await service.stop(signal.SIGTERM) == 0, service.output()
