"""Urging (催办): check-in answers, written notices, escalations, call logs, extensions."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.services import Services
from handlers.feedback import form_not_ready
from messages.notices import EXTEND


def register(app: AsyncApp, services: Services) -> None:
    @app.action(EXTEND)
    async def extend(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await form_not_ready(services, "extend", body, respond)
