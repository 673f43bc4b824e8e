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


class DirectMessageRespond:
    """``respond`` for clicks that come without a response_url (App Home): the answer goes as a DM."""

    def __init__(self, services: Services, user_id: str, key: str) -> None:
        self.services, self.user_id, self.key = services, user_id, key
        self.count = 0

    async def __call__(self, text: str | None = None, blocks: list[Any] | None = None, **_: Any) -> None:
        self.count += 1
        body: dict[str, Any] = {"text": text or ""}
        if blocks:
            body["blocks"] = blocks
        await self.services.notify(self.user_id, body, key=f"{self.key}:{self.count}")


def respond_by_dm_without_response_url(services: Services) -> Any:
    async def middleware(context: Any, body: dict[str, Any], next: Any) -> Any:
        if body.get("type") == "block_actions" and not body.get("response_url") and body.get("user"):
            action_ts = (body.get("actions") or [{}])[0].get("action_ts", "")
            context["respond"] = DirectMessageRespond(services, body["user"]["id"], f"action:{action_ts}")
        return await next()

    return middleware
