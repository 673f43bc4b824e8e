"""Events API listeners that belong to no feature. (Thread replies to notices become notes in
handlers/reports.py; deactivated users in handlers/corrections.py; App Home in handlers/publications.py.)"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

ANY_EVENT = re.compile(r".*")


def register(app: AsyncApp) -> None:
    """Registered last: an event no feature listens to is acknowledged and ignored. Answering 404 would make
    Slack retry it three times and, if it kept happening, disable the app's event subscriptions."""
    app.event(ANY_EVENT)(ignore_other_events)


async def ignore_other_events(ack: Any) -> None:
    await ack()
