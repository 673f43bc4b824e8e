"""Everything the emulator sends is routed and parsed by slack-bolt as a real Slack request."""

from __future__ import annotations

import json
import time

from bot.emulator.driver import SlackEmulator
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from bot.emulator.transport import FORM, form_body

from .tiny_bot import TinyBot


async def test_slash_command_ack_becomes_ephemeral_and_dm_arrives(emu: SlackEmulator, tiny: TinyBot) -> None:
    reply = await emu.slash("U0LEADER", "assign <@U0HEADA|张伟> 修订应急预案 due 12-05")
    assert reply.status == 200
    [body] = tiny.seen["command"]
    assert body["command"] == "/duban"
    assert body["user_id"] == "U0LEADER"
    assert body["channel_id"] == "D0LEADER"
    assert body["text"].startswith("assign <@U0HEADA|张伟>")
    assert body["response_url"].startswith(emu.base_url)
    [eph] = emu.ephemerals("U0LEADER")
    assert (eph.source, eph.text) == ("ack", "收到：assign <@U0HEADA|张伟> 修订应急预案 due 12-05")
    msg = await emu.wait_for(lambda: emu.dm("U0LEADER")[-1:])
    assert [b.action_id for b in msg[0].buttons()] == ["item_ack", "item_extend"]


async def test_respond_replaces_the_ack_and_in_channel(emu: SlackEmulator, tiny: TinyBot) -> None:
    await emu.slash("U0LEADER", "later")
    await emu.wait_for(lambda: emu.ephemerals("U0LEADER")[0].text == "已完成 done")
    assert len(emu.ephemerals("U0LEADER")) == 1
    await emu.slash("U0SUPER", "public", channel=DEMO_BULLETIN_CHANNEL)
    assert emu.channel_messages(DEMO_BULLETIN_CHANNEL)[-1].text == "公开回复"
    assert emu.ephemerals("U0SUPER") == []


async def test_button_click_block_actions(emu: SlackEmulator, tiny: TinyBot) -> None:
    await emu.slash("U0HEADA", "hello")
    [msg] = await emu.wait_for(lambda: emu.dm("U0HEADA"))
    reply = await emu.click("U0HEADA", msg, action_id="item_ack")
    assert reply.status == 200
    [body] = tiny.seen["action"]
    assert body["type"] == "block_actions"
    assert body["container"] == {
        "type": "message",
        "message_ts": msg.ts,
        "channel_id": "D0HEADA",
        "is_ephemeral": False,
    }
    assert body["message"]["ts"] == msg.ts
    assert body["actions"][0]["value"] == "item-7"
    assert body["user"]["id"] == "U0HEADA"
    # respond(replace_original=True) rewrote the original DM in place.
    await emu.wait_for(lambda: emu.dm("U0HEADA")[0].text == "已确认 ✓")
    assert emu.dm("U0HEADA")[0].blocks == []
    await emu.slash("U0HEADA", "hello")
    second = (await emu.wait_for(lambda: emu.dm("U0HEADA")[1:]))[0]
    await emu.click("U0HEADA", second, action_id="item_extend")
    await emu.wait_for(lambda: emu.ephemerals("U0HEADA", source="response_url"))


async def test_modal_errors_then_success(emu: SlackEmulator, tiny: TinyBot) -> None:
    await emu.slash("U0LEADER", "new")
    view = await emu.wait_for(lambda: emu.open_view("U0LEADER"))
    assert view.callback_id == "new_item"
    # Required fields left empty: the Slack client refuses on its own, nothing is sent.
    refused = await emu.submit("U0LEADER", view, {"title": "短"})
    assert refused.sent is False
    assert set(emu.last_view_errors("U0LEADER")) == {"lead", "priority"}
    reply = await emu.submit(
        "U0LEADER", view, {"title": "短", "lead": "U0HEADA", "priority": "urgent", "flags": ["confidential"]}
    )
    assert reply.json == {"response_action": "errors", "errors": {"title": "标题至少四个字"}}
    assert emu.last_view_errors("U0LEADER") == {"title": "标题至少四个字"}
    assert emu.open_view("U0LEADER") is not None
    values = tiny.seen["view"][0]["view"]["state"]["values"]
    assert values["lead"]["lead_user"] == {"type": "users_select", "selected_user": "U0HEADA"}
    assert values["due"]["due_date"] == {"type": "datepicker", "selected_date": "2026-12-01"}
    assert values["priority"]["priority_pick"]["selected_option"]["value"] == "urgent"
    assert [o["value"] for o in values["flags"]["flag_boxes"]["selected_options"]] == ["confidential"]
    assert tiny.seen["view"][0]["view"]["private_metadata"] == "origin=slash"
    ok = await emu.submit("U0LEADER", view, {"title": "修订应急预案", "lead": "@张伟", "due": "2026-12-05"})
    assert ok.status == 200
    assert emu.open_view("U0LEADER") is None
    assert emu.last_view_errors("U0LEADER") == {}
    last = tiny.seen["view"][1]["view"]["state"]["values"]
    assert last["due"]["due_date"]["selected_date"] == "2026-12-05"
    assert last["priority"]["priority_pick"]["selected_option"]["value"] == "urgent"  # kept from before


async def test_click_in_view_push_and_close(emu: SlackEmulator, tiny: TinyBot) -> None:
    await emu.slash("U0LEADER", "new")
    view = await emu.wait_for(lambda: emu.open_view("U0LEADER"))
    await emu.click_in_view("U0LEADER", view, action_id="add_helper")
    [body] = tiny.seen["view_action"]
    assert body["container"] == {"type": "view", "view_id": view.id}
    assert body["view"]["callback_id"] == "new_item"
    await emu.wait_for(lambda: len(emu.view_stack("U0LEADER")) == 2)
    assert emu.open_view("U0LEADER").callback_id == "helper"
    await emu.close_view("U0LEADER")
    assert emu.open_view("U0LEADER").id == view.id
    view.notify_on_close = True
    await emu.close_view("U0LEADER")
    assert emu.open_view("U0LEADER") is None
    assert tiny.seen["closed"][0]["type"] == "view_closed"


async def test_thread_reply_event_and_retry_headers(emu: SlackEmulator, tiny: TinyBot) -> None:
    await emu.slash("U0HEADA", "hello")
    [parent] = await emu.wait_for(lambda: emu.dm("U0HEADA"))
    reply = await emu.reply_in_thread("U0HEADA", parent.channel, parent.ts, "进展：已完成初稿")
    assert reply.status == 200
    [event] = tiny.seen["message"]
    assert event["channel_type"] == "im"
    assert event["thread_ts"] == parent.ts
    assert event["text"] == "进展：已完成初稿"
    await emu.wait_for(lambda: len(emu.thread(parent.channel, parent.ts)) == 3)
    assert emu.thread(parent.channel, parent.ts)[-1].text == "收到进展：进展：已完成初稿"
    await emu.send_event(tiny.seen["message"][0] | {"ts": "1.000001"}, retry_num=1, event_id="EvSAME")
    assert tiny.seen["retry"] == [None, "1"]


async def test_app_home_opened_and_home_button(emu: SlackEmulator, tiny: TinyBot) -> None:
    await emu.open_home("U0LEADER")
    home = await emu.wait_for(lambda: emu.home("U0LEADER"))
    assert tiny.seen["home"][0]["tab"] == "home"
    assert tiny.seen["home"][0]["channel"] == "D0LEADER"
    await emu.click_in_view("U0LEADER", home, action_id="home_refresh")
    assert tiny.seen["home_action"][0]["view"]["type"] == "home"
    await emu.open_home("U0LEADER")
    assert tiny.seen["home"][1]["view"]["id"] == home.id


async def test_bolt_rejects_forged_and_stale_requests(emu: SlackEmulator, tiny: TinyBot) -> None:
    body = form_body({"command": "/duban", "text": "hi", "user_id": "U0LEADER", "team_id": "T0DEMO"})
    forged = await emu.post_signed(body, FORM, signature="v0=" + "0" * 64)
    assert forged.status == 401
    stale = await emu.post_signed(body, FORM, timestamp=int(time.time()) - 600)
    assert stale.status == 401
    assert tiny.seen["command"] == []
    ok = await emu.post_signed(
        json.dumps({"type": "url_verification", "challenge": "c"}).encode(), "application/json"
    )
    assert ok.json == {"challenge": "c"}


async def test_response_actions_update_push_clear(emu: SlackEmulator, tiny: TinyBot) -> None:
    await emu.slash("U0LEADER", "wizard")
    first = await emu.wait_for(lambda: emu.open_view("U0LEADER"))
    await emu.submit("U0LEADER", first, {"note": "一"})
    updated = emu.open_view("U0LEADER")
    assert updated.id == first.id and updated.private_metadata == "2"
    assert updated.state_values["note"]["note_input"]["value"] == "一"  # same block/action id: input kept
    await emu.submit("U0LEADER", updated)
    stack = emu.view_stack("U0LEADER")
    assert [v.private_metadata for v in stack] == ["2", "3"]
    assert stack[1].previous_view_id == first.id
    await emu.submit("U0LEADER", stack[1])
    assert emu.view_stack("U0LEADER") == []
    assert tiny.seen["wizard"] == [1, 2, 3]


async def test_click_on_ephemeral_message(emu: SlackEmulator, tiny: TinyBot) -> None:
    from .tiny_bot import item_blocks

    await tiny.app.client.chat_postEphemeral(
        channel=DEMO_BULLETIN_CHANNEL, user="U0STAFFB", text="请确认", blocks=item_blocks("仅你可见的督办")
    )
    [eph] = emu.ephemerals("U0STAFFB")
    await emu.click("U0STAFFB", eph, action_id="item_ack")
    [body] = tiny.seen["action"]
    assert body["container"]["is_ephemeral"] is True
    assert "message" not in body
    assert body["channel"] == {"id": DEMO_BULLETIN_CHANNEL, "name": "duban-bulletin"}
    await emu.wait_for(lambda: emu.ephemerals("U0STAFFB")[0].text == "已确认 ✓")


async def test_response_url_allows_five_posts(emu: SlackEmulator, tiny: TinyBot) -> None:
    reply = await emu.slash("U0LEADER", "ping")
    url = tiny.seen["command"][0]["response_url"]
    assert reply.status == 200
    from slack_sdk.webhook.async_client import AsyncWebhookClient

    hook = AsyncWebhookClient(url)
    statuses = [(await hook.send(text=f"第{i}条")).status_code for i in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 404]
    assert len(emu.ephemerals("U0LEADER", source="response_url")) == 5


async def test_bot_failure_is_shown_like_slack(emu: SlackEmulator, tiny: TinyBot) -> None:
    emu.app_url = tiny.url.replace("/slack/events", "/nowhere")
    reply = await emu.slash("U0LEADER", "hi")
    assert reply.status == 404
    [shown] = emu.ephemerals("U0LEADER", source="slack")
    assert "failed with the error" in shown.text
