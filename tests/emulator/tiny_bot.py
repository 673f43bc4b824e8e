"""A minimal slack-bolt app, served over HTTP, that records what each listener received.

If bolt routes and parses every request the emulator sends, the payloads have Slack's shape.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.emulator.driver import SlackEmulator

from .conftest import BOT_TOKEN, SIGNING_SECRET

ITEM_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "new_item",
    "private_metadata": "origin=slash",
    "title": {"type": "plain_text", "text": "新建督办事项"},
    "submit": {"type": "plain_text", "text": "提交"},
    "close": {"type": "plain_text", "text": "取消"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "事项标题"},
            "hint": {"type": "plain_text", "text": "至少四个字"},
            "element": {"type": "plain_text_input", "action_id": "title_input"},
        },
        {
            "type": "input",
            "block_id": "lead",
            "label": {"type": "plain_text", "text": "牵头人"},
            "element": {"type": "users_select", "action_id": "lead_user"},
        },
        {
            "type": "input",
            "block_id": "due",
            "label": {"type": "plain_text", "text": "截止日期"},
            "element": {"type": "datepicker", "action_id": "due_date", "initial_date": "2026-12-01"},
        },
        {
            "type": "input",
            "block_id": "priority",
            "label": {"type": "plain_text", "text": "紧急程度"},
            "element": {
                "type": "static_select",
                "action_id": "priority_pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "一般"}, "value": "normal"},
                    {"text": {"type": "plain_text", "text": "紧急"}, "value": "urgent"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "flags",
            "optional": True,
            "label": {"type": "plain_text", "text": "标记"},
            "element": {
                "type": "checkboxes",
                "action_id": "flag_boxes",
                "options": [
                    {"text": {"type": "plain_text", "text": "涉密"}, "value": "confidential"},
                    {"text": {"type": "plain_text", "text": "需要回执"}, "value": "receipt"},
                ],
            },
        },
        {
            "type": "actions",
            "block_id": "tools",
            "elements": [
                {
                    "type": "button",
                    "action_id": "add_helper",
                    "text": {"type": "plain_text", "text": "添加协办"},
                }
            ],
        },
    ],
}

HOME: dict[str, Any] = {
    "type": "home",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "我的督办"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "待办 *2* 项，<@U0HEADA> 牵头 1 项"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "home_refresh",
                    "text": {"type": "plain_text", "text": "刷新"},
                }
            ],
        },
    ],
}


def wizard_view(step: int) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "wizard",
        "private_metadata": str(step),
        "title": {"type": "plain_text", "text": f"第{step}步"},
        "submit": {"type": "plain_text", "text": "下一步"},
        "blocks": [
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": {"type": "plain_text", "text": "备注"},
                "element": {"type": "plain_text_input", "action_id": "note_input"},
            }
        ],
    }


def item_blocks(text: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "item_ack",
                    "value": "item-7",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "确认收到"},
                },
                {
                    "type": "button",
                    "action_id": "item_extend",
                    "value": "item-7",
                    "text": {"type": "plain_text", "text": "申请延期"},
                },
            ],
        },
    ]


@dataclass
class TinyBot:
    app: AsyncApp
    url: str
    runner: web.AppRunner
    seen: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    async def stop(self) -> None:
        await self.runner.cleanup()


def build_app(emu: SlackEmulator, seen: dict[str, list[Any]]) -> AsyncApp:
    app = AsyncApp(
        signing_secret=SIGNING_SECRET, client=AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url)
    )

    @app.command("/duban")
    async def on_command(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, context: Any
    ) -> None:
        seen["command"].append(body)
        text = body["text"]
        if text.startswith("new"):
            await ack()
            await client.views_open(trigger_id=body["trigger_id"], view=ITEM_MODAL)
        elif text == "later":
            await ack("处理中…")
            await respond(text="已完成 done", replace_original=True)
        elif text == "wizard":
            await ack()
            await client.views_open(trigger_id=body["trigger_id"], view=wizard_view(1))
        elif text == "public":
            await ack({"response_type": "in_channel", "text": "公开回复"})
        else:
            await ack(f"收到：{text}")
            await client.chat_postMessage(
                channel=context.user_id, text="新督办事项", blocks=item_blocks("*修订应急预案* 截止 12-05")
            )

    @app.action("item_ack")
    async def on_item_ack(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        seen["action"].append(body)
        await respond(text="已确认 ✓", replace_original=True)

    @app.action("item_extend")
    async def on_item_extend(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        seen["action"].append(body)
        await respond(text="延期申请已提交")

    @app.action("add_helper")
    async def on_add_helper(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        seen["view_action"].append(body)
        await client.views_push(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "helper",
                "title": {"type": "plain_text", "text": "协办"},
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "选择协办单位"}}],
            },
        )

    @app.action("home_refresh")
    async def on_home_refresh(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen["home_action"].append(body)

    @app.view("new_item")
    async def on_submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        seen["view"].append(body)
        title = view["state"]["values"]["title"]["title_input"]["value"] or ""
        if len(title) < 4:
            await ack(response_action="errors", errors={"title": "标题至少四个字"})
        else:
            await ack()

    @app.view("wizard")
    async def on_wizard(ack: AsyncAck, view: dict[str, Any]) -> None:
        step = int(view["private_metadata"])
        seen["wizard"].append(step)
        if step == 1:
            await ack(response_action="update", view=wizard_view(2))
        elif step == 2:
            await ack(response_action="push", view=wizard_view(3))
        else:
            await ack(response_action="clear")

    @app.view_closed("new_item")
    async def on_closed(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen["closed"].append(body)

    @app.event("message")
    async def on_message(event: dict[str, Any], say: AsyncSay, request: AsyncBoltRequest) -> None:
        seen["message"].append(event)
        seen["retry"].append(request.headers.get("x-slack-retry-num", [None])[0])
        await say(text=f"收到进展：{event['text']}", thread_ts=event.get("thread_ts") or event["ts"])

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        seen["home"].append(event)
        await client.views_publish(user_id=event["user"], view=HOME)

    return app


async def start_tiny_bot(emu: SlackEmulator) -> TinyBot:
    seen: dict[str, list[Any]] = defaultdict(list)
    app = build_app(emu, seen)
    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/slack/events"
    emu.app_url = url
    return TinyBot(app, url, runner, seen)
