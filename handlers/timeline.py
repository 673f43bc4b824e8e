"""The "more" button of a timeline entry in ``/duban show``: the entry's whole text in a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.services import Services
from messages import replies
from messages import timeline as timeline_messages


def register(app: AsyncApp, services: Services) -> None:
    @app.action(timeline_messages.TIMELINE_MORE)
    async def more(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            value = str((body.get("actions") or [{}])[0].get("value") or "")
            item_part, _, seq_part = value.partition(":")
            if not (item_part.isdigit() and seq_part.isdigit()):
                raise DomainError("stale_action", number="?")
            detail, event = await services.items.entry(user_id, int(item_part), int(seq_part))
            text = timeline_messages.event_text(reader.locale, event, detail.reports)
            line = replies.event_line(reader, event)
            view = timeline_messages.text_modal(reader, detail.item, event, text, line)
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except DomainError as error:
            await respond(
                response_type="ephemeral",
                replace_original=False,
                **replies.plain_reply(replies.error_text(reader.locale, error)),
            )
