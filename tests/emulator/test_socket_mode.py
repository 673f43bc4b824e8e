"""Socket Mode: apps.connections.open, envelopes, acks with payloads and refresh, with bolt's own client."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.emulator.driver import SlackEmulator

from .conftest import BOT_TOKEN, SIGNING_SECRET
from .tiny_bot import build_app

APP_TOKEN = "xapp-1-emulator-test"


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    emulator = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def seen(emu: SlackEmulator) -> AsyncIterator[dict[str, list[Any]]]:
    """The tiny bolt app connected over Socket Mode; yields what its listeners received."""
    received: dict[str, list[Any]] = defaultdict(list)
    app = build_app(emu, received)
    handler = AsyncSocketModeHandler(
        app, APP_TOKEN, web_client=AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url)
    )
    await handler.connect_async()
    emu.use_socket_mode()
    await emu.wait_for_socket()
    try:
        yield received
    finally:
        await handler.close_async()


async def test_connections_open_needs_the_app_token(emu: SlackEmulator) -> None:
    for token, error in [(BOT_TOKEN, "not_allowed_token_type"), ("xapp-1-wrong", "invalid_auth")]:
        with pytest.raises(SlackApiError) as info:
            await AsyncWebClient(base_url=emu.api_url).apps_connections_open(app_token=token)
        assert info.value.response["error"] == error
    with pytest.raises(SlackApiError) as info:  # and the app token opens nothing else
        await AsyncWebClient(token=APP_TOKEN, base_url=emu.api_url).chat_postMessage(
            channel="U0LEADER", text="x"
        )
    assert info.value.response["error"] == "not_allowed_token_type"
    opened = await AsyncWebClient(base_url=emu.api_url).apps_connections_open(app_token=APP_TOKEN)
    assert opened["url"].startswith(f"ws://127.0.0.1:{emu.port}/")


async def test_envelopes_and_acks_on_the_wire(emu: SlackEmulator) -> None:
    opened = await AsyncWebClient(base_url=emu.api_url).apps_connections_open(app_token=APP_TOKEN)
    async with aiohttp.ClientSession() as http, http.ws_connect(opened["url"]) as ws:
        hello = await ws.receive_json()
        assert hello["type"] == "hello" and hello["connection_info"]["app_id"] == emu.state.app_id
        emu.use_socket_mode()
        pending = asyncio.ensure_future(emu.slash("U0LEADER", "help"))
        envelope = await ws.receive_json()
        assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"] is True
        assert envelope["payload"]["command"] == "/duban" and envelope["payload"]["text"] == "help"
        await ws.send_json({"envelope_id": envelope["envelope_id"], "payload": {"text": "帮助"}})
        reply = await pending
        assert reply.status == 200 and reply.message is not None and reply.message.text == "帮助"
        # A second connection with the same (single-use) URL is refused.
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(opened["url"])


async def test_commands_clicks_forms_and_events_over_the_socket(
    emu: SlackEmulator, seen: dict[str, list[Any]]
) -> None:
    reply = await emu.slash("U0LEADER", "assign <@U0HEADA|张伟> 修订应急预案 due 12-05")
    assert reply.status == 200
    [eph] = emu.ephemerals("U0LEADER")
    assert (eph.source, eph.text) == ("ack", "收到：assign <@U0HEADA|张伟> 修订应急预案 due 12-05")
    assert seen["command"][0]["user_id"] == "U0LEADER"

    await emu.slash("U0HEADA", "hello")
    [msg] = await emu.wait_for(lambda: emu.dm("U0HEADA"))
    assert (await emu.click("U0HEADA", msg, action_id="item_ack")).status == 200
    assert seen["action"][0]["type"] == "block_actions"

    await emu.slash("U0LEADER", "new")
    view = await emu.wait_for(lambda: emu.open_view("U0LEADER"))
    reply = await emu.submit("U0LEADER", view, {"title": "短", "lead": "U0HEADA", "priority": "urgent"})
    assert reply.json == {"response_action": "errors", "errors": {"title": "标题至少四个字"}}
    assert emu.last_view_errors("U0LEADER") == {"title": "标题至少四个字"}

    sent = await emu.send_dm("U0HEADA", "进展：已完成初稿")
    assert sent.status == 200 and sent.body == ""
    await emu.wait_for(lambda: any("收到进展" in m.text for m in emu.dm("U0HEADA")))


async def test_refresh_moves_the_app_to_a_new_connection(
    emu: SlackEmulator, seen: dict[str, list[Any]]
) -> None:
    assert emu.socket.opened == 1
    await emu.socket.disconnect("refresh_requested")
    await emu.wait_for(lambda: emu.socket.opened == 2 and emu.socket.live, max_wait=10)
    reply = await emu.slash("U0LEADER", "assign again")
    assert reply.status == 200 and emu.ephemerals("U0LEADER")[-1].text == "收到：assign again"
    await emu.wait_for(lambda: len(emu.socket.connections) == 1)


async def test_no_ack_is_a_timeout(emu: SlackEmulator) -> None:
    emu.socket.ack_timeout = 0.2
    opened = await AsyncWebClient(base_url=emu.api_url).apps_connections_open(app_token=APP_TOKEN)
    async with aiohttp.ClientSession() as http, http.ws_connect(opened["url"]) as ws:
        await ws.receive_json()
        emu.use_socket_mode()
        reply = await emu.slash("U0LEADER", "help")
    assert (reply.status, reply.sent) == (0, False)
    assert reply.message is not None and "operation_timeout" in reply.message.text
