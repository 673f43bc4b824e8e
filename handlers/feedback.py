"""Shared answers for buttons whose feature is not built yet."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncRespond

from bot.domain.errors import DomainError
from bot.services import Services
from messages import replies


def item_id_of(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


async def form_not_ready(services: Services, form: str, body: dict[str, Any], respond: AsyncRespond) -> None:
    user_id = body["user"]["id"]
    reader = await services.reader(user_id)
    try:
        item_id = item_id_of(body)
        if item_id is None:
            raise DomainError("stale_action", number="?")
        detail = await services.items.detail(user_id, item_id)
        reply = replies.form_not_ready(reader, form, str(detail.item.number))
    except DomainError as error:
        reply = replies.plain_reply(replies.error_text(reader.locale, error))
    await respond(response_type="ephemeral", replace_original=False, **reply)
