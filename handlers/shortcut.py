"""The message shortcut "督办 this message": the assignment form with the message quoted and linked."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import Services
from bot.services.correction_rights import authorise_assign_from_message
from handlers.feedback import answer_click
from handlers.routing import Reply
from handlers.views import submit_assignment_form
from messages.shortcut import (
    MESSAGE_SHORTCUT,
    SHORTCUT_CALLBACK,
    link_of,
    prefilled_assign_modal,
    with_source,
)
from messages.view_models import Reader

log = logging.getLogger("duban.shortcut")


def register(app: AsyncApp) -> None:
    app.shortcut(MESSAGE_SHORTCUT)(assign_from_message)
    app.view(SHORTCUT_CALLBACK)(submit_from_message)


async def assign_from_message(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, services: Services
) -> None:
    await ack()

    async def work(user_id: str, reader: Reader, value: str) -> Reply:
        authorise_assign_from_message(await services.people.actor(user_id))
        await _open_prefilled(body, client, reader)
        return {}

    await answer_click(services, body, respond, work)


async def _open_prefilled(body: dict[str, Any], client: AsyncWebClient, reader: Reader) -> None:
    message = body.get("message") or {}
    text, author = message.get("text") or "", message.get("user")
    channel = (body.get("channel") or {}).get("id")
    ts = message.get("ts") or body.get("message_ts")
    # The trigger lives 3 seconds and works once: the form opens first, the permalink is added after.
    opened = await client.views_open(
        trigger_id=body["trigger_id"],
        view=prefilled_assign_modal(reader.locale, text, author, channel=channel, ts=ts),
    )
    try:
        link = (await client.chat_getPermalink(channel=channel, message_ts=ts))["permalink"]
    except SlackApiError as error:
        log.info("no permalink for %s/%s: %s", channel, ts, error.response.get("error"))
        return
    view = opened["view"]
    await client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=prefilled_assign_modal(reader.locale, text, author, channel=channel, ts=ts, link=link),
    )


async def submit_from_message(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    link = link_of(view.get("private_metadata") or "")

    def quoted(locale: str, text: str) -> str:
        return with_source(locale, text, link)

    await submit_assignment_form(ack, services, body, view, with_requirements=quoted)
