"""The message shortcut "督办 this message": the assignment form with the message quoted and linked."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.services import Services
from bot.services.correction_rights import authorise_assign_from_message
from handlers.views import submit_assignment_form
from messages import replies
from messages.modals import CADENCE, CO, DUE, FLAGS, LEAD, REQUIREMENTS, SOURCE, TITLE
from messages.shortcut import (
    MESSAGE_SHORTCUT,
    SHORTCUT_CALLBACK,
    link_of,
    prefilled_assign_modal,
    with_source,
)

log = logging.getLogger("duban.shortcut")
_FIELDS = {TITLE, REQUIREMENTS, LEAD, CO, DUE, CADENCE, SOURCE, FLAGS}


def register(app: AsyncApp, services: Services) -> None:
    @app.shortcut(MESSAGE_SHORTCUT)
    async def assign_from_message(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            authorise_assign_from_message(await services.people.actor(user_id))
        except DomainError as error:
            await respond(text=replies.error_text(reader.locale, error), response_type="ephemeral")
            return
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

    @app.view(SHORTCUT_CALLBACK)
    async def submit_from_message(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        link = link_of(view.get("private_metadata") or "")

        def quoted(locale: str, text: str) -> str:
            return with_source(locale, text, link)

        await submit_assignment_form(ack, services, user_id, view, with_requirements=quoted)
