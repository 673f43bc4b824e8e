"""Refuse request bodies that cannot be from Slack before Bolt parses them.

Bolt answers a body it cannot parse with a 500 (a stack trace in the log) and treats an unknown content type
as an empty request. Slack only ever sends form-encoded commands and interactivity (interactivity as one
``payload`` field holding a JSON object) and JSON Events API envelopes, so anything else is a 400 here.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from aiohttp import web

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _refuse(reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=400)


# Fields Bolt and our listeners read from every request before anything else; Slack always sends them as a
# string or an object, and each event type uses one of the two.
_ID_FIELDS = ("user", "channel", "team", "enterprise", "container", "view", "event")
_EVENTS_WITH_USER_OBJECT = frozenset(
    {"user_change", "team_join", "user_profile_changed", "user_status_changed"}
)


def _shape_problem(data: dict[str, object]) -> str | None:
    for holder in (data, data.get("event")):
        if not isinstance(holder, dict):
            continue
        for name in _ID_FIELDS:
            value = holder.get(name)
            if value is not None and not isinstance(value, str | dict):
                return "malformed_body"
    event = data.get("event")
    if isinstance(event, dict):
        user = event.get("user")
        if isinstance(user, dict) and event.get("type") not in _EVENTS_WITH_USER_OBJECT:
            return "malformed_body"
        if isinstance(user, str) and event.get("type") in _EVENTS_WITH_USER_OBJECT:
            return "malformed_body"
        channel = event.get("channel")
        if isinstance(channel, dict) and not str(event.get("type", "")).startswith(("channel_", "group_")):
            return "malformed_body"
    return None


def body_problem(content_type: str, body: bytes) -> str | None:
    """Why this body cannot be a Slack request, or None when it is well-formed."""
    if content_type not in (FORM, JSON):
        return "unsupported_content_type"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "malformed_body"
    if content_type == JSON:
        try:
            parsed = json.loads(text)
        except ValueError:
            return "malformed_body"
        return _shape_problem(parsed) if isinstance(parsed, dict) else "malformed_body"
    fields = parse_qs(text, keep_blank_values=True)
    if "payload" in fields:
        try:
            payload = json.loads(fields["payload"][0])
        except ValueError:
            return "malformed_body"
        return _shape_problem(payload) if isinstance(payload, dict) else "malformed_body"
    return None if fields else "malformed_body"


def guard(path: str) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """aiohttp middleware that checks POSTs to ``path`` (the Slack request URL)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "POST" and request.path == path:
            problem = body_problem(request.content_type, await request.read())
            if problem is not None:
                return _refuse(problem)
        return await handler(request)

    return middleware
