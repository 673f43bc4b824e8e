"""The one place unexpected errors end up: logged with a reference the user is told."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError

from bot.domain.people import normalise_locale
from bot.fault_kinds import is_database_unavailable, is_trigger_expired
from bot.services import Services
from messages import faults, replies

log = logging.getLogger("duban.errors")


def register(app: AsyncApp, services: Services) -> None:
    """The error handler (it may run before the middleware that puts ``services`` into the context)."""

    async def on_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse | None:
        return await answer_error(services, error, body, respond)

    app.error(on_error)


async def answer_error(
    services: Services, error: Exception, body: dict[str, Any], respond: Any
) -> BoltResponse | None:
    """Log the error with a reference and tell the user that reference, the way the request allows."""
    ref = uuid.uuid4().hex[:8]
    kind = body.get("type") or body.get("command")
    if is_trigger_expired(error):
        # Slack gives 3 s to open a form after a click; a slow moment loses it. Nothing was done.
        log.warning("form not opened ref=%s type=%s: %s", ref, kind, error)
    elif is_database_unavailable(error):
        log.error("database unreachable ref=%s type=%s: %s", ref, kind, error)
    else:
        log.exception("unhandled error ref=%s type=%s", ref, kind, exc_info=error)
    if body.get("type") == "event_callback" and isinstance(error, SlackApiError):
        # Slack refused a call made for this event (e.g. publishing App Home for a user it doesn't know):
        # a redelivery would fail the same way, so the event is acknowledged, not retried.
        return BoltResponse(status=200, body="")
    user_id = body.get("user_id") or (body.get("user") or {}).get("id")
    locale = services.ctx.settings.locale
    if user_id:
        try:
            locale = (await services.reader(user_id)).locale
        except Exception:  # the database may be what failed: ask Slack for the person's language
            log.debug("could not load the reader for the error reply", exc_info=True)
            locale = await _slack_locale(services, user_id, locale)
    if is_trigger_expired(error):
        text = faults.trigger_expired(locale)
    elif is_database_unavailable(error):
        text = faults.database_unavailable(locale, ref)
    else:
        text = replies.t(locale, "error.internal", ref=ref)
    if body.get("command"):
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    if body.get("type") == "view_submission":
        # Keep the form open with the explanation on its first field: nothing was saved or lost.
        first_input = next(
            (
                b.get("block_id")
                for b in (body.get("view") or {}).get("blocks") or []
                if b.get("type") == "input"
            ),
            None,
        )
        if first_input:
            return BoltResponse(status=200, body={"response_action": "errors", "errors": {first_input: text}})
    if respond is not None and body.get("response_url"):
        await respond(response_type="ephemeral", replace_original=False, text=text)
    return None


async def _slack_locale(services: Services, user_id: str, default: str) -> str:
    """The person's language from Slack's users.info, quickly, or ``default``."""
    try:
        profile = await asyncio.wait_for(services.ctx.directory.fetch(user_id), timeout=1.0)
    except Exception:
        return default
    return normalise_locale(profile.locale if profile else None, default)
