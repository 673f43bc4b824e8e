"""Reports (反馈 / 续报), review (审核), approval and leaders' instructions."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.services import Services
from handlers.feedback import form_not_ready
from messages.notices import REPORT


def register(app: AsyncApp, services: Services) -> None:
    @app.action(REPORT)
    async def report(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await form_not_ready(services, "report", body, respond)
