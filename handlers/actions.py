"""Buttons on notices and lists. Feedback goes to the clicker only (response_url, ephemeral)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.domain.command_parser import parse_command
from bot.domain.commands import ListItems
from bot.services import Services
from handlers import urging
from handlers.commands import list_reply
from handlers.feedback import answer_click
from handlers.routing import Reply
from messages import replies
from messages.notices import ACK, OPEN
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.action(ACK)(acknowledge)
    app.action(replies.LIST_NEXT)(list_next)
    app.action(OPEN)(open_item)


async def acknowledge(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, services: Services) -> None:
    await ack()

    async def work(user_id: str, reader: Reader, value: str) -> Reply:
        return replies.acknowledged(reader, await services.items.acknowledge(user_id, int(value)))

    await answer_click(services, body, respond, work)


async def list_next(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, services: Services) -> None:
    await ack()

    async def work(user_id: str, reader: Reader, value: str) -> Reply:
        try:  # a malformed value is a stale action (ValueError)
            page = json.loads(value)
            text, offset = str(page["q"]), int(page["o"])
        except (KeyError, TypeError) as error:
            raise ValueError(value) from error
        parsed = parse_command("list " + text)
        if not isinstance(parsed, ListItems):
            raise ValueError(value)
        return await list_reply(services, reader, user_id, parsed, offset=offset)

    await answer_click(services, body, respond, work)


async def open_item(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, services: Services) -> None:
    await ack()

    async def work(user_id: str, reader: Reader, value: str) -> Reply:
        return await urging.item_card(services, reader, await services.items.detail(user_id, int(value)))

    await answer_click(services, body, respond, work)
