"""Buttons on notices and lists. Feedback goes to the clicker only (response_url, ephemeral)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.domain.errors import DomainError
from bot.services import Services
from handlers import urging
from messages import replies
from messages.notices import ACK, OPEN


def _item_id(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def register(app: AsyncApp, services: Services) -> None:
    async def answer(respond: AsyncRespond, reply: dict[str, Any]) -> None:
        await respond(response_type="ephemeral", replace_original=False, **reply)

    @app.action(ACK)
    async def acknowledge(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            item_id = _item_id(body)
            if item_id is None:
                raise DomainError("stale_action", number="?")
            result = await services.items.acknowledge(user_id, item_id)
            reply = replies.acknowledged(reader, result)
        except DomainError as error:
            reply = replies.plain_reply(replies.error_text(reader.locale, error))
        await answer(respond, reply)

    @app.action(OPEN)
    async def open_item(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            item_id = _item_id(body)
            if item_id is None:
                raise DomainError("stale_action", number="?")
            detail = await services.items.detail(user_id, item_id)
            reply = await urging.item_card(services, reader, detail)
        except DomainError as error:
            reply = replies.plain_reply(replies.error_text(reader.locale, error))
        await answer(respond, reply)
