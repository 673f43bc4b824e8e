"""What every button handler needs: the item a button is about, and a private answer to the clicker."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncRespond

from bot.domain.errors import DomainError
from bot.services import Services
from messages import replies
from messages.view_models import Reader

log = logging.getLogger("duban.feedback")


def item_id_of(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


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


class RespondOrDirectMessage:
    """``respond`` through the response_url, and by DM when Slack refuses it (expired after 30 minutes, or
    used 5 times): the clicker is told either way, once."""

    def __init__(self, inner: AsyncRespond, dm: DirectMessageRespond) -> None:
        self.inner, self.dm = inner, dm

    async def __call__(self, text: Any = "", blocks: list[Any] | None = None, **kwargs: Any) -> Any:
        try:
            response = await self.inner(text, blocks, **kwargs)
            status = getattr(response, "status_code", 200)
        except Exception as exc:  # network trouble reaching the response_url
            response, status = None, 0
            log.warning("response_url unreachable (%s); answering by DM", type(exc).__name__)
        if status < 300 or kwargs.get("delete_original"):
            return response
        log.warning("response_url refused (HTTP %s); answering by DM", status)
        await self.dm(text if isinstance(text, str) else None, blocks)
        return response


def respond_by_dm_without_response_url(services: Services) -> Any:
    async def middleware(context: Any, body: dict[str, Any], next: Any) -> Any:
        if body.get("type") == "block_actions" and body.get("user"):
            action_ts = (body.get("actions") or [{}])[0].get("action_ts", "")
            dm = DirectMessageRespond(services, body["user"]["id"], f"action:{action_ts}")
            has_url = bool(body.get("response_url"))
            context["respond"] = RespondOrDirectMessage(context.respond, dm) if has_url else dm
        return await next()

    return middleware


ClickWork = Callable[[str, Reader, str], Awaitable[dict[str, Any]]]


async def answer_click(
    services: Services, body: dict[str, Any], respond: AsyncRespond, work: ClickWork
) -> None:
    """Run one button's work as the clicking user and answer them privately.

    A refusal becomes its localised sentence; a malformed value (an old or tampered button) is a
    stale action. ``work`` gets (user id, reader, the button's value) and returns the reply.
    """
    user_id = body["user"]["id"]
    reader = await services.reader(user_id)
    try:
        reply = await work(user_id, reader, str((body.get("actions") or [{}])[0].get("value") or ""))
    except DomainError as error:
        reply = replies.plain_reply(replies.error_text(reader.locale, error))
    except ValueError:
        reply = replies.plain_reply(
            replies.error_text(reader.locale, DomainError("stale_action", number="?"))
        )
    await respond(response_type="ephemeral", replace_original=False, **reply)
