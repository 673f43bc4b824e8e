"""Events API listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    # Message events (thread replies to notices become notes) are handled in handlers/reports.py.
    return None
