"""Events API listeners that belong to no feature."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services import Services

ANY_EVENT = re.compile(r".*")


def register_fallback(app: AsyncApp, services: Services) -> None:
    """Registered last: an event no feature listens to is acknowledged and ignored. Answering 404 would make
    Slack retry it three times and, if it kept happening, disable the app's event subscriptions."""

    @app.event(ANY_EVENT)
    async def ignore_other_events(ack: Any) -> None:
        await ack()


def register(app: AsyncApp, services: Services) -> None:
    # Message events (thread replies to notices become notes) are handled in handlers/reports.py.
    return None
