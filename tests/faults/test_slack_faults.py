"""Slack faults, one per test, injected per method into the emulated workspace while the whole bot runs.

Every test states the outcome (retried with backoff / told to the office once / explained to the user /
sending stopped) and ends with ``nothing_lost``: no outbox row left waiting, every sent message in Slack
exactly once, no failed one in Slack at all.
"""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import select

from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from messages.notices import ACK, REPORT
from storage.models import OutboxRow
from tests.e2e.conftest import World
from tests.faults.checks import nothing_lost

ASSIGN = "assign <@U0HEADA> Flood plan due 12-10"


async def _notice_row(world: World) -> OutboxRow:
    [row] = await world.rows(select(OutboxRow).where(OutboxRow.purpose == "notice"))
    return row


def _posts_to(world: World, channel: str) -> int:
    return sum(1 for c in world.slack.calls_to("chat.postMessage") if c.params.get("channel") == channel)


async def test_429_waits_retry_after_uncounted_then_delivers_once(world: World) -> None:
    world.slack.inject_failure("chat.postMessage", status=429, retry_after=3, times=1)
    await world.slack.slash("U0LEADER", ASSIGN)
    await world.runtime.after_request()
    row = await _notice_row(world)
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "ratelimited")
    assert (row.next_attempt_at.replace(tzinfo=None) - world.clock.now().replace(tzinfo=None)) >= timedelta(
        seconds=3
    )
    world.advance(seconds=2)
    await world.runtime.after_request()
    assert world.slack.dm("U0HEADA") == []  # still resting
    world.advance(seconds=1)
    await world.deliver()
    assert len(world.slack.dm("U0HEADA")) == 1 and _posts_to(world, "U0HEADA") == 2
    await nothing_lost(world)


@pytest.mark.parametrize("status", [500, 503])
async def test_5xx_is_retried_with_backoff_and_delivered_once(world: World, status: int) -> None:
    world.slack.inject_failure("chat.postMessage", status=status, times=2)
    await world.slack.slash("U0LEADER", ASSIGN)
    await world.runtime.after_request()
    first = await _notice_row(world)
    assert (first.status, first.attempts, first.last_error) == (
        "pending",
        1,
        f"http_{status}: " + ("internal_error" if status == 500 else "service_unavailable"),
    )
    world.advance(seconds=1)  # backoff 1 s, then 2 s
    await world.runtime.after_request()
    second = await _notice_row(world)
    assert second.attempts == 2 and second.status == "pending"
    assert second.next_attempt_at - first.next_attempt_at >= timedelta(seconds=2)
    await world.deliver()
    assert len(world.slack.dm("U0HEADA")) == 1 and (await _notice_row(world)).attempts == 3
    await nothing_lost(world)


async def test_a_timeout_is_retried_and_the_late_message_is_found_not_sent_twice(world: World) -> None:
    world.runtime.dispatcher.client.timeout = 1  # Slack holds the call 2 s and then posts it anyway
    world.slack.inject_failure("chat.postMessage", delay=2.0, times=1)
    await world.slack.slash("U0LEADER", ASSIGN)
    stats = await world.runtime.dispatcher.run_once()
    assert stats.retried == 1
    row = await _notice_row(world)
    assert row.status == "pending" and "Timeout" in (row.last_error or "")
    await world.slack.settle(quiet=1.5, max_wait=5)  # the held call completes in Slack
    world.advance(seconds=1)
    stats = await world.runtime.dispatcher.run_once()
    assert stats.recovered == 1  # looked up by its metadata key and recorded, not posted again
    assert len(world.slack.dm("U0HEADA")) == 1 and _posts_to(world, "U0HEADA") == 1
    await world.deliver()
    await nothing_lost(world)


@pytest.mark.parametrize("how", ["reset", "refused"])
async def test_a_refused_or_reset_connection_is_retried_and_delivered_once(world: World, how: str) -> None:
    client = world.runtime.dispatcher.client
    real_url = client.base_url
    if how == "reset":
        world.slack.inject_failure("chat.postMessage", reset=True, times=1)
    else:  # nothing listens there: ECONNREFUSED
        client.base_url = "http://127.0.0.1:9/api/"
    await world.slack.slash("U0LEADER", ASSIGN)
    stats = await world.runtime.dispatcher.run_once()
    client.base_url = real_url
    assert stats.retried == 1
    row = await _notice_row(world)
    assert row.status == "pending" and row.attempts == 1 and "Error" in (row.last_error or "")
    world.advance(seconds=1)
    await world.deliver()
    assert len(world.slack.dm("U0HEADA")) == 1
    await nothing_lost(world)


async def test_invalid_auth_stops_sending_says_so_and_resumes_when_the_token_works(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.slack.slash("U0LEADER", ASSIGN)
    world.slack.inject_failure("chat.postMessage", error="invalid_auth", times=1)
    world.slack.inject_failure("auth.test", error="invalid_auth", times=1)
    await world.runtime.after_request()
    dispatcher = world.runtime.dispatcher
    assert dispatcher.halted == "invalid_auth"
    assert any(r.levelname == "ERROR" and "sending stopped" in r.getMessage() for r in caplog.records)
    health = world.slack.app_url.replace("/slack/events", "/healthz")
    async with aiohttp.ClientSession() as http, http.get(health) as response:
        assert response.status == 503 and await response.json() == {"ok": False, "slack": "invalid_auth"}
    # More work arrives; nothing is sent while the token is refused, nothing is dropped either.
    await world.slack.slash("U0LEADER", "assign <@U0HEADB> Second plan due 12-11")
    calls = len(world.slack.calls_to("chat.postMessage"))
    for _ in range(3):
        world.advance(seconds=20)
        await world.runtime.after_request()
    assert len(world.slack.calls_to("chat.postMessage")) == calls
    assert dispatcher.halted == "invalid_auth"  # the probe at +60 s met the refused token again
    rows = await world.rows(select(OutboxRow))
    assert {r.status for r in rows} == {"pending"} and all(r.attempts == 0 for r in rows)
    world.advance(seconds=60)  # the token works again: the next probe passes
    await world.deliver()
    assert dispatcher.halted is None
    assert len(world.slack.dm("U0HEADA")) == 1 and len(world.slack.dm("U0HEADB")) == 1
    async with aiohttp.ClientSession() as http, http.get(health) as response:
        assert response.status == 200
    await nothing_lost(world)


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_the_bulletin_channel_refusing_is_told_to_the_office_once(world: World, error: str) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Flood plan due 12-10")
    for period in ("week", "month"):
        world.slack.inject_failure("chat.postMessage", error=error, times=1)
        world.slack.inject_failure("files.completeUploadExternal", error=error, times=1)
        await world.command("U0SUPER", f"bulletin {period} post")
        world.advance(minutes=5)
        await world.deliver()
    assert [m for m in world.slack.channel_messages(DEMO_BULLETIN_CHANNEL) if not m.files] == []
    for supervisor, words in (("U0SUPER", "无法在"), ("U0SUPER2", "cannot post in")):
        told = [m for m in world.slack.dm(supervisor) if words in m.all_text()]
        assert len(told) == 1, supervisor  # two bulletins failed; the office hears of it once
        assert error in told[0].all_text() and DEMO_BULLETIN_CHANNEL in told[0].all_text()
    rows = await nothing_lost(world)
    failed = [r for r in rows if r.status == "failed"]
    assert {r.purpose for r in failed} >= {"bulletin"} and {r.last_error for r in failed} == {error}


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive"])
async def test_a_person_who_cannot_be_reached_is_told_to_the_office_once_to_reassign(
    world: World, error: str
) -> None:
    world.slack.inject_failure("chat.postMessage", error=error, times=1)
    await world.command("U0LEADER", ASSIGN)
    world.slack.inject_failure("chat.postMessage", error=error, times=1)
    await world.command("U0SUPER", "催办 1 请今天下班前答复")  # the urging fails the same way
    assert world.slack.dm("U0HEADA") == []
    for supervisor, words in (("U0SUPER", "改派"), ("U0SUPER2", "reassign")):
        told = [m for m in world.slack.dm(supervisor) if words in m.all_text()]
        assert len(told) == 1, supervisor
        assert "DB-2026-0001" in told[0].all_text() and error in told[0].all_text()
    assert (await world.events("DB-2026-0001")).count("delivery_failed") == 2  # both are in the dossier
    rows = await nothing_lost(world)
    assert [r.last_error for r in rows if r.status == "failed"] == [error, error]


async def test_an_expired_trigger_is_explained_and_nothing_is_saved(world: World) -> None:
    world.slack.inject_failure("views.open", error="expired_trigger_id", times=1)
    reply = await world.command("U0LEADER", "new")
    assert world.slack.open_view("U0LEADER") is None
    assert "超时" in reply.text and "请重试" in reply.text
    await world.command("U0LEADER", ASSIGN)
    [notice] = world.slack.dm("U0HEADA")
    world.slack.inject_failure("views.open", error="expired_trigger_id", times=1)
    await world.click("U0HEADA", notice, REPORT)
    assert world.slack.open_view("U0HEADA") is None
    assert "请重试" in world.slack.ephemerals("U0HEADA")[-1].all_text()
    assert await world.item_count() == 1 and await world.events("DB-2026-0001") == [
        "registered",
        "issued",
        "notice_sent",
    ]
    await nothing_lost(world)


async def test_an_expired_response_url_answers_by_dm_once(world: World) -> None:
    await world.command("U0LEADER", ASSIGN)
    [notice] = world.slack.dm("U0HEADA")
    world.slack.inject_failure("response_url", error="expired_url", times=5)
    await world.click("U0HEADA", notice, ACK)
    assert (await world.item("DB-2026-0001")).state == "in_progress"  # the click itself counted
    answers = [m for m in world.slack.dm("U0HEADA") if "您已签收" in m.all_text()]
    assert len(answers) == 1 and world.slack.ephemerals("U0HEADA") == []
    await nothing_lost(world)
