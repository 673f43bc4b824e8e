"""Events API listeners."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.event("message")
    async def ignore_other_messages(event: dict[str, Any]) -> None:
        """Thread replies become progress notes in a later version; other messages are not ours."""
        return None
