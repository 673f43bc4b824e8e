"""slack_sdk's AsyncWebClient against the emulated Web API."""

from __future__ import annotations

import json

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.emulator.driver import SlackEmulator
from bot.emulator.seed import DEMO_BOT_USER_ID, DEMO_BULLETIN_CHANNEL, DEMO_TEAM_ID

from .conftest import BOT_TOKEN


async def test_auth_test_identifies_the_bot(client: AsyncWebClient) -> None:
    resp = await client.auth_test()
    assert resp["user_id"] == DEMO_BOT_USER_ID
    assert resp["team_id"] == DEMO_TEAM_ID
    assert resp["bot_id"]


async def test_post_message_to_user_id_lands_in_their_dm(emu: SlackEmulator, client: AsyncWebClient) -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "请确认收到"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "item_ack",
                    "value": "42",
                    "text": {"type": "plain_text", "text": "确认收到"},
                },
            ],
        },
    ]
    resp = await client.chat_postMessage(
        channel="U0HEADA",
        text="新督办事项",
        blocks=blocks,
        metadata={"event_type": "item", "event_payload": {"id": 42}},
    )
    assert resp["channel"] == "D0HEADA"
    msgs = emu.dm("U0HEADA")
    assert [m.ts for m in msgs] == [resp["ts"]]
    assert msgs[0].text == "新督办事项"
    assert msgs[0].metadata == {"event_type": "item", "event_payload": {"id": 42}}
    [button] = msgs[0].buttons()
    assert (button.action_id, button.value, button.text) == ("item_ack", "42", "确认收到")
    assert button.block_id  # Slack assigns one when the app gave none


async def test_post_message_errors_use_slack_names(client: AsyncWebClient) -> None:
    for channel, error in [("C0NOPE", "channel_not_found"), ("U0GONE", "user_disabled")]:
        with pytest.raises(SlackApiError) as info:
            await client.chat_postMessage(channel=channel, text="x")
        assert info.value.response["error"] == error
    with pytest.raises(SlackApiError) as info, pytest.warns(UserWarning):  # slack_sdk nags about text too
        await client.chat_postMessage(channel="U0LEADER")
    assert info.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(
            channel="U0LEADER",
            text="x",
            blocks=[{"type": "header", "text": {"type": "plain_text", "text": "长" * 151}}],
        )
    assert info.value.response["error"] == "invalid_blocks"


async def test_update_delete_thread_and_history(emu: SlackEmulator, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel=DEMO_BULLETIN_CHANNEL, text="周报")
    await client.chat_update(channel=DEMO_BULLETIN_CHANNEL, ts=first["ts"], text="周报（更新）")
    reply = await client.chat_postMessage(channel=DEMO_BULLETIN_CHANNEL, text="补充", thread_ts=first["ts"])
    history = await client.conversations_history(channel=DEMO_BULLETIN_CHANNEL)
    assert [m["text"] for m in history["messages"]] == ["周报（更新）"]
    assert history["messages"][0]["reply_count"] == 1
    replies = await client.conversations_replies(channel=DEMO_BULLETIN_CHANNEL, ts=first["ts"])
    assert [m["ts"] for m in replies["messages"]] == [first["ts"], reply["ts"]]
    link = await client.chat_getPermalink(channel=DEMO_BULLETIN_CHANNEL, message_ts=reply["ts"])
    assert "thread_ts=" in link["permalink"]
    await client.chat_delete(channel=DEMO_BULLETIN_CHANNEL, ts=reply["ts"])
    assert len(emu.channel_messages("#duban-bulletin")) == 1
    with pytest.raises(SlackApiError) as info:
        await client.chat_update(channel=DEMO_BULLETIN_CHANNEL, ts="1.000000", text="x")
    assert info.value.response["error"] == "message_not_found"


async def test_conversations_open_and_ephemeral(emu: SlackEmulator, client: AsyncWebClient) -> None:
    opened = await client.conversations_open(users="U0STAFFB")
    assert opened["channel"]["id"] == "D0STAFFB"
    again = await client.conversations_open(users="U0STAFFB")
    assert again["already_open"] is True
    with pytest.raises(SlackApiError) as info:
        await client.conversations_open(users="U0GONE")
    assert info.value.response["error"] == "user_disabled"
    sent = await client.chat_postEphemeral(channel=DEMO_BULLETIN_CHANNEL, user="U0STAFFB", text="仅你可见")
    [eph] = emu.ephemerals("U0STAFFB")
    assert (eph.ts, eph.text, eph.source) == (sent["message_ts"], "仅你可见", "chat.postEphemeral")
    info_resp = await client.conversations_info(channel="D0STAFFB")
    assert info_resp["channel"]["is_im"] is True


async def test_users_info_and_paged_list(client: AsyncWebClient) -> None:
    info = await client.users_info(user="U0STAFFB2", include_locale=True)
    user = info["user"]
    assert user["locale"] == "en-US"
    assert user["tz"] == "America/New_York"
    assert user["profile"]["display_name"] == "Mark Wu"
    without = await client.users_info(user="U0STAFFB2")
    assert "locale" not in without["user"]
    gone = await client.users_info(user="U0GONE")
    assert gone["user"]["deleted"] is True
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await client.users_list(limit=4, cursor=cursor, include_locale=True)
        pages += 1
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 11  # ten people and the bot
    with pytest.raises(SlackApiError) as info_err:
        await client.users_list(cursor="bm9wZQ==")
    assert info_err.value.response["error"] == "invalid_cursor"
    found = await client.users_lookupByEmail(email="zhangwei@duban-demo.test")
    assert found["user"]["id"] == "U0HEADA"


async def test_views_open_needs_a_fresh_trigger(emu: SlackEmulator, client: AsyncWebClient) -> None:
    view = {
        "type": "modal",
        "callback_id": "new_item",
        "title": {"type": "plain_text", "text": "新建督办"},
        "submit": {"type": "plain_text", "text": "提交"},
        "blocks": [
            {
                "type": "input",
                "block_id": "title",
                "label": {"type": "plain_text", "text": "标题"},
                "element": {"type": "plain_text_input", "action_id": "v"},
            }
        ],
    }
    trigger = emu.triggers.issue("U0LEADER")
    opened = await client.views_open(trigger_id=trigger, view=view)
    assert opened["view"]["callback_id"] == "new_item"
    assert emu.open_view("U0LEADER").id == opened["view"]["id"]
    for bad, error in [(trigger, "exchanged_trigger_id"), ("12345.98765.abcd", "invalid_trigger_id")]:
        with pytest.raises(SlackApiError) as info:
            await client.views_open(trigger_id=bad, view=view)
        assert info.value.response["error"] == error
    with pytest.raises(SlackApiError) as info:
        await client.views_update(view_id=opened["view"]["id"], view=view, hash="stale")
    assert info.value.response["error"] == "hash_conflict"
    updated = await client.views_update(view_id=opened["view"]["id"], view=view, hash=opened["view"]["hash"])
    assert updated["view"]["hash"] != opened["view"]["hash"]
    long_title = {**view, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as info:
        await client.views_open(trigger_id=emu.triggers.issue("U0LEADER"), view=long_title)
    assert info.value.response["error"] == "invalid_arguments"


async def test_expired_trigger(emu: SlackEmulator, client: AsyncWebClient) -> None:
    emu.triggers.ttl = 0.0
    with pytest.raises(SlackApiError) as info:
        await client.views_open(
            trigger_id=emu.triggers.issue("U0LEADER"),
            view={"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []},
        )
    assert info.value.response["error"] == "expired_trigger_id"


async def test_views_publish_home(emu: SlackEmulator, client: AsyncWebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "我的督办"}}]}
    resp = await client.views_publish(user_id="U0LEADER", view=home)
    assert emu.home("U0LEADER").id == resp["view"]["id"]
    with pytest.raises(SlackApiError):
        await client.views_publish(user_id="U0LEADER", view={**home, "type": "modal"})


async def test_invalid_token_and_unknown_method(emu: SlackEmulator) -> None:
    bad = AsyncWebClient(token="xoxb-wrong", base_url=emu.api_url)
    with pytest.raises(SlackApiError) as info:
        await bad.auth_test()
    assert info.value.response["error"] == "invalid_auth"
    good = AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url)
    with pytest.raises(SlackApiError) as info:
        await good.api_call("nope.never")
    assert info.value.response["error"] == "unknown_method"
    assert [c.error for c in emu.calls] == ["invalid_auth", "unknown_method"]


async def test_form_encoded_json_params_and_token_param(emu: SlackEmulator) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    async with aiohttp.ClientSession() as session:
        form = {"token": BOT_TOKEN, "channel": "U0LEADER", "text": "hi", "blocks": json.dumps(blocks)}
        async with session.post(emu.api_url + "chat.postMessage", data=form) as resp:
            body = await resp.json()
    assert body["ok"] is True
    assert emu.dm("U0LEADER")[0].blocks[0]["text"]["text"] == "*hi*"


async def test_injected_429_then_success(emu: SlackEmulator, client: AsyncWebClient) -> None:
    emu.inject_failure("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="U0LEADER", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    ok = await client.chat_postMessage(channel="U0LEADER", text="x")
    assert ok["ok"]
    calls = emu.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].at <= calls[1].at


async def test_injected_500_and_error(emu: SlackEmulator, client: AsyncWebClient) -> None:
    emu.inject_failure("users.info", status=500, times=2)
    emu.inject_failure("users.info", error="fatal_error")
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            await client.users_info(user="U0LEADER")
        assert info.value.response.status_code == 500
    with pytest.raises(SlackApiError) as info:
        await client.users_info(user="U0LEADER")
    assert info.value.response.status_code == 200
    assert info.value.response["error"] == "fatal_error"
    assert (await client.users_info(user="U0LEADER"))["ok"]


async def test_file_upload_v2_shares_into_dm(emu: SlackEmulator, client: AsyncWebClient) -> None:
    opened = await client.conversations_open(users="U0LEADER")
    resp = await client.files_upload_v2(
        channel=opened["channel"]["id"],
        filename="周报.csv",
        content="事项,状态\n应急预案,进行中\n",
        title="督办周报",
        initial_comment="本周督办周报",
    )
    assert resp["file"]["title"] == "督办周报"
    [upload] = emu.files
    assert upload.filename == "周报.csv"
    assert upload.content.decode() == "事项,状态\n应急预案,进行中\n"
    [msg] = emu.dm("U0LEADER")
    assert msg.text == "本周督办周报"
    assert msg.files[0]["name"] == "周报.csv"


async def test_reactions(emu: SlackEmulator, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="U0LEADER", text="x")
    await client.reactions_add(channel=posted["channel"], timestamp=posted["ts"], name="white_check_mark")
    with pytest.raises(SlackApiError) as info:
        await client.reactions_add(channel=posted["channel"], timestamp=posted["ts"], name="white_check_mark")
    assert info.value.response["error"] == "already_reacted"
    assert emu.dm("U0LEADER")[0].reactions == {"white_check_mark": [DEMO_BOT_USER_ID]}


async def test_members_paging_and_view_update_by_external_id(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    first = await client.conversations_members(channel=DEMO_BULLETIN_CHANNEL, limit=6)
    rest = await client.conversations_members(
        channel=DEMO_BULLETIN_CHANNEL, cursor=first["response_metadata"]["next_cursor"]
    )
    assert len(first["members"]) + len(rest["members"]) == 10  # nine active people and the bot
    modal = {
        "type": "modal",
        "external_id": "item-7-form",
        "title": {"type": "plain_text", "text": "表单"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "加载中…"}}],
    }
    await client.views_open(trigger_id=emu.triggers.issue("U0HEADB"), view=modal)
    loaded = {**modal, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "已加载"}}]}
    await client.views_update(external_id="item-7-form", view=loaded)
    assert emu.open_view("U0HEADB").blocks[0]["text"]["text"] == "已加载"
