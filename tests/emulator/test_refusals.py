"""The emulator refuses what Slack refuses, answers as Slack does, and remembers each refusal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.emulator.driver import SlackEmulator
from bot.emulator.validate import validate_blocks, validate_response_action, validate_view

from .conftest import BOT_TOKEN, SIGNING_SECRET


def _button(action_id: str, text: str = "好", value: str = "1") -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": text},
    }


SHARED_ACTION_ID = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "进展如何？"}},
    {"type": "actions", "elements": [_button("answer", "进展顺利"), _button("answer", "受阻")]},
]


async def test_buttons_sharing_an_action_id_are_refused_like_slack(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="U0LEADER", text="打卡", blocks=SHARED_ACTION_ID)
    body = info.value.response.data
    assert body["ok"] is False and body["error"] == "invalid_blocks"
    [message] = body["response_metadata"]["messages"]
    assert "duplicate action_id 'answer'" in message and "/blocks/1/elements/1" in message
    assert emu.dm("U0LEADER") == []
    [refusal] = emu.take_refusals()
    assert refusal.source == "chat.postMessage" and refusal.payload["blocks"] == SHARED_ACTION_ID
    assert emu.refusals == []


async def test_same_action_id_in_different_blocks_is_fine(emu: SlackEmulator, client: AsyncWebClient) -> None:
    blocks = [
        {"type": "actions", "elements": [_button("answer")]},
        {"type": "actions", "elements": [_button("answer")]},
    ]
    await client.chat_postMessage(channel="U0LEADER", text="x", blocks=blocks)
    assert emu.refusals == []


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (
            [{"type": "section", "block_id": "a", "text": {"type": "mrkdwn", "text": "x"}}] * 2,
            "duplicate block_id",
        ),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": ""}}], "more than 0 characters"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "3000"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "标题"}}], "plain_text"),
        ([{"type": "actions", "elements": [_button("a", "x" * 76)]}], "less than 76"),
        ([{"type": "actions", "elements": []}], "between 1 and 25"),
        ([{"type": "actions", "elements": [{"type": "rocket", "action_id": "a"}]}], "unsupported element"),
        ([{"type": "rocket_launcher"}], "unsupported block type"),
        ([{"type": "input", "element": {"type": "plain_text_input"}}], "label"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51, "no more than 50"),
    ],
)
def test_block_rules(blocks: list[dict[str, Any]], expected: str) -> None:
    problems = validate_blocks(blocks)
    assert any(expected in p for p in problems), problems


def test_view_rules() -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "督办"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "标题"},
                "element": {"type": "plain_text_input"},
            }
        ],
    }
    assert any("submit" in p for p in validate_view(modal))
    assert validate_view({**modal, "submit": {"type": "plain_text", "text": "提交"}}) == []
    long_title = {
        **modal,
        "submit": {"type": "plain_text", "text": "提交"},
        "title": {"type": "plain_text", "text": "长" * 25},
    }
    assert any("/view/title/text" in p for p in validate_view(long_title))


def test_response_action_shapes() -> None:
    submitted = [{"type": "input", "block_id": "title"}, {"type": "section", "block_id": "info"}]
    assert validate_response_action({}, submitted) == []
    assert validate_response_action({"response_action": "clear"}, submitted) == []
    assert (
        validate_response_action({"response_action": "errors", "errors": {"title": "太短"}}, submitted) == []
    )
    for bad in (
        {"response_action": "close"},
        {"response_action": "errors", "errors": {}},
        {"response_action": "errors", "errors": {"info": "不是输入框"}},
        {"response_action": "errors", "errors": {"title": ""}},
        {"response_action": "update"},
        {"response_action": "push", "view": {"type": "home", "blocks": []}},
    ):
        assert validate_response_action(bad, submitted), bad


async def test_views_with_duplicate_block_ids_are_refused(emu: SlackEmulator, client: AsyncWebClient) -> None:
    section = {"type": "section", "block_id": "same", "text": {"type": "mrkdwn", "text": "x"}}
    with pytest.raises(SlackApiError) as info:
        await client.views_publish(user_id="U0LEADER", view={"type": "home", "blocks": [section, section]})
    assert info.value.response["error"] == "invalid_arguments"
    assert "duplicate block_id" in info.value.response["response_metadata"]["messages"][0]
    assert [r.source for r in emu.take_refusals()] == ["views.publish"]


class _BadBot:
    """A bolt app that answers a slash command with invalid blocks and a form with a bad response_action."""

    def __init__(self, emu: SlackEmulator) -> None:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url)
        self.app = AsyncApp(client=client, signing_secret=SIGNING_SECRET)

        @self.app.command("/duban")
        async def on_command(ack: AsyncAck) -> None:
            await ack(text="x", blocks=SHARED_ACTION_ID)

        @self.app.view("form")
        async def on_submit(ack: AsyncAck) -> None:
            await ack(response_action="errors", errors={"not_an_input": "错"})


@pytest.fixture
async def bad_bot(emu: SlackEmulator) -> AsyncIterator[_BadBot]:
    bot = _BadBot(emu)
    runner = web.AppRunner(bot.app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    emu.app_url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        yield bot
    finally:
        await runner.cleanup()


async def test_an_ack_with_invalid_blocks_fails_the_command(emu: SlackEmulator, bad_bot: _BadBot) -> None:
    reply = await emu.slash("U0LEADER", "help")
    assert reply.message is not None and "invalid_blocks" in reply.message.text
    assert [r.source for r in emu.take_refusals()] == ["ack"]


async def test_a_bad_response_action_keeps_the_modal_open(
    emu: SlackEmulator, client: AsyncWebClient, bad_bot: _BadBot
) -> None:
    form = {
        "type": "modal",
        "callback_id": "form",
        "title": {"type": "plain_text", "text": "表单"},
        "submit": {"type": "plain_text", "text": "提交"},
        "blocks": [
            {
                "type": "input",
                "block_id": "title",
                "label": {"type": "plain_text", "text": "标题"},
                "element": {"type": "plain_text_input", "action_id": "t"},
            }
        ],
    }
    opened = await client.views_open(trigger_id=emu.triggers.issue("U0LEADER"), view=form)
    view = emu.open_view("U0LEADER")
    assert view is not None and view.id == opened["view"]["id"]
    await emu.submit("U0LEADER", view, {"title": "一个标题"})
    assert emu.open_view("U0LEADER") is view
    assert "trouble connecting" in emu.last_view_errors("U0LEADER")[""]
    [refusal] = emu.take_refusals()
    assert refusal.source == "view_submission" and "not the block_id of an input block" in refusal.messages[0]


async def test_response_url_refuses_invalid_blocks(emu: SlackEmulator) -> None:
    target = emu.responses.issue("U0LEADER", "D0LEADER")
    async with aiohttp.ClientSession() as http:
        url = f"{emu.base_url}response/{target.token}"
        async with http.post(url, json={"text": "x", "blocks": SHARED_ACTION_ID}) as resp:
            assert resp.status == 400
            assert (await resp.json())["error"] == "invalid_blocks"
        async with http.post(url, json={"text": "好"}) as resp:
            assert resp.status == 200
    assert [r.source for r in emu.take_refusals()] == ["response_url"]
    assert [m.text for m in emu.ephemerals("U0LEADER")] == ["好"]
