"""The "more" button of a timeline entry in ``/duban show``: the entry's whole text in a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.services import Services
from handlers.feedback import open_form
from messages import replies
from messages import timeline as timeline_messages
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.action(timeline_messages.TIMELINE_MORE)(more)


async def more(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, services: Services
) -> None:
    await ack()

    async def form(user_id: str, reader: Reader, value: str) -> dict[str, Any]:
        item_part, _, seq_part = value.partition(":")
        if not (item_part.isdigit() and seq_part.isdigit()):
            raise DomainError("stale_action", number="?")
        detail, event = await services.items.entry(user_id, int(item_part), int(seq_part))
        text = timeline_messages.event_text(reader.locale, event, detail.reports)
        line = replies.event_line(reader, event)
        return timeline_messages.text_modal(reader, detail.item, event, text, line)

    await open_form(services, body, respond, client, form)
