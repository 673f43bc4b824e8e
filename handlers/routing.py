"""Which function answers which ``/duban`` subcommand. Feature modules register their own routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.services import Services
from messages.view_models import Reader

Reply = dict[str, Any]
# (services, reader, parsed command, Slack's command payload, web client) -> ack body
Route = Callable[[Services, Reader, Any, dict[str, Any], AsyncWebClient], Awaitable[Reply]]
ROUTES: dict[type, Route] = {}


def route(*command_types: type) -> Callable[[Route], Route]:
    def register(function: Route) -> Route:
        for command_type in command_types:
            if command_type in ROUTES:
                raise RuntimeError(f"two routes for {command_type.__name__}")
            ROUTES[command_type] = function
        return function

    return register
