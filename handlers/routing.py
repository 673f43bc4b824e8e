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
