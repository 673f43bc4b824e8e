"""What a ``/duban`` subcommand's route is. The table of routes is ``handlers.commands.ROUTES``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.services import Services
from messages.view_models import Reader

Reply = dict[str, Any]
# (services, reader, parsed command, Slack's command payload, web client) -> ack body
Route = Callable[[Services, Reader, Any, dict[str, Any], AsyncWebClient], Awaitable[Reply]]
ItemForm = Callable[[Services, str, Reader, Any], Awaitable[dict[str, Any]]]


def form_route(form: ItemForm) -> Route:
    """The route of a subcommand that opens a form about ``parsed.ref``: ``form(services, user id, reader,
    ref)`` builds it (or refuses); the trigger lives 3 seconds, so it opens now, not through the outbox."""

    async def route(
        services: Services, reader: Reader, parsed: Any, command: dict[str, Any], client: AsyncWebClient
    ) -> Reply:
        view = await form(services, command["user_id"], reader, parsed.ref)
        await client.views_open(trigger_id=command["trigger_id"], view=view)
        return {}

    return route
