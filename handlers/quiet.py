"""``/duban settings quiet 22:00-08:00``: a person's quiet hours (免打扰时段)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.domain.settings_command import QuietSetting
from bot.services import Services
from handlers.routing import Reply
from messages import quiet as messages
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    """Nothing to listen to: the command has its row in ``handlers.commands.ROUTES``."""


async def quiet_command(
    services: Services, reader: Reader, parsed: QuietSetting, command: dict[str, Any], client: Any
) -> Reply:
    user_id = command["user_id"]
    if parsed.show:
        return messages.current(reader, await services.people.quiet_hours(user_id))
    window = await services.people.set_quiet_hours(user_id, parsed.window)
    return messages.changed(reader, window)
