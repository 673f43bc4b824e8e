"""Requests the emulator sends carry signatures slack_sdk's SignatureVerifier accepts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.emulator.driver import SlackEmulator

from .conftest import SIGNING_SECRET


@pytest.fixture
async def captured(emu: SlackEmulator) -> AsyncIterator[list[tuple[bytes, dict[str, str]]]]:
    seen: list[tuple[bytes, dict[str, str]]] = []

    async def receive(request: web.Request) -> web.Response:
        seen.append((await request.read(), dict(request.headers)))
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    emu.app_url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        yield seen
    finally:
        await runner.cleanup()


async def test_every_kind_of_request_verifies(
    emu: SlackEmulator, captured: list[tuple[bytes, dict[str, str]]]
) -> None:
    await emu.slash("U0LEADER", "帮助 help")
    await emu.send_event(
        {"type": "app_home_opened", "user": "U0LEADER", "channel": "D0LEADER", "tab": "home"},
        retry_num=2,
        retry_reason="http_error",
        event_id="Ev123",
    )
    await emu.send_dm("U0STAFFB", "你好")
    verifier = SignatureVerifier(SIGNING_SECRET)
    assert len(captured) == 3
    for body, headers in captured:
        assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
        assert not SignatureVerifier("other-secret").is_valid(
            body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
        )
    slash_body, slash_headers = captured[0]
    assert slash_headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(slash_body.decode())["text"] == ["帮助 help"]
    event_body, event_headers = captured[1]
    assert event_headers["Content-Type"] == "application/json"
    assert (event_headers["X-Slack-Retry-Num"], event_headers["X-Slack-Retry-Reason"]) == ("2", "http_error")
    envelope = json.loads(event_body)
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev123"
    assert envelope["authorizations"][0]["user_id"] == "U0DUBANBOT"
    assert "X-Slack-Retry-Num" not in captured[2][1]
