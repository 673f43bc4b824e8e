"""How one outbox row becomes one Web API call, and how Slack's answer is classified.

Kinds of failure: ``rate_limited`` (429 or ``ratelimited``: wait Retry-After), ``auth`` (the bot token is
refused: stop sending until it works again), ``permanent`` (this call will never work: the user is gone, the
channel archived …) and ``transient`` (5xx, timeouts, refused connections, unknown errors: back off, retry).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery_check import with_send_key
from storage.outbox import ClaimedSend

log = logging.getLogger("bot.dispatcher")

# Slack errors that will not go away by retrying this same call.
PERMANENT_ERRORS: frozenset[str] = frozenset(
    {
        "account_inactive",
        "as_user_not_supported",
        "cannot_dm_bot",
        "cant_update_message",
        "channel_not_found",
        "edit_window_closed",
        "invalid_arguments",
        "invalid_attachments",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_json",
        "invalid_metadata_format",
        "invalid_user",
        "is_archived",
        "json_not_object",
        "message_not_found",
        "messages_tab_disabled",
        "metadata_too_large",
        "method_not_supported_for_channel_type",
        "msg_too_long",
        "no_text",
        "not_in_channel",
        "restricted_action",
        "restricted_action_non_threadable_channel",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "too_many_attachments",
        "too_many_users",
        "user_disabled",
        "user_is_bot",
        "user_not_found",
        "user_not_visible",
        "users_not_found",
    }
)
RATE_LIMIT_ERRORS: frozenset[str] = frozenset({"ratelimited", "rate_limited"})
# Methods whose documented content type is form-encoded only; everything else gets a JSON body.
FORM_ONLY_METHODS: frozenset[str] = frozenset({"users.info", "users.lookupByEmail", "conversations.info"})

# The bot token itself is refused: no call will work until an operator fixes it, so sending stops.
AUTH_ERRORS: frozenset[str] = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})


class SendError(Exception):
    def __init__(self, kind: str, error: str, retry_after: timedelta | None = None) -> None:
        super().__init__(error)
        self.kind = kind  # "rate_limited" | "auth" | "permanent" | "transient"
        self.error = error
        self.retry_after = retry_after


async def call_slack(
    client: AsyncWebClient, send: ClaimedSend, permanent_errors: frozenset[str]
) -> dict[str, Any]:
    """Make the call a row describes; its summarised result, or SendError saying what kind of failure."""
    if send.method == WEBHOOK_METHOD:
        return await post_webhook(send.payload)
    try:
        if send.method == FILE_UPLOAD_METHOD:
            response = await upload_file(client, send.payload)
        elif send.method in FORM_ONLY_METHODS:
            response = await client.api_call(send.method, data=form_encode(send.payload))
        elif send.method == "chat.postMessage":
            response = await client.api_call(send.method, json=with_send_key(send))
        else:
            response = await client.api_call(send.method, json=send.payload)
    except SlackApiError as exc:
        raise classify_slack_error(exc, permanent_errors) from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise SendError("transient", f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # a bug or an odd reply: bounded by max_attempts, never fatal to the round
        log.exception("unexpected error sending outbox row %s (%s)", send.id, send.method)
        raise SendError("transient", f"{type(exc).__name__}: {exc}") from exc
    data = response.data if isinstance(response.data, dict) else {}
    return summarise(data)


WEBHOOK_METHOD = "webhook.post"  # not Slack: an outside gateway (SMS, voice) reached on escalation


async def post_webhook(payload: Mapping[str, Any]) -> dict[str, Any]:
    """POST a pre-signed JSON body; 429/5xx and network errors are retried like Slack's, 4xx fail."""
    try:
        timeout = aiohttp.ClientTimeout(total=15)
        body, headers = payload["body"].encode(), payload.get("headers")
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(payload["url"], data=body, headers=headers) as response,
        ):
            if response.status == 429:
                retry = response.headers.get("Retry-After", "")
                wait = timedelta(seconds=int(retry)) if retry.isdigit() else None
                raise SendError("rate_limited", "webhook 429", wait)
            if response.status >= 500:
                raise SendError("transient", f"webhook HTTP {response.status}")
            if response.status >= 400:
                raise SendError("permanent", f"webhook HTTP {response.status}")
            return {"ok": True, "status": response.status}
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise SendError("transient", f"{type(exc).__name__}: {exc}") from exc


FILE_UPLOAD_METHOD = "files.uploadV2"  # pseudo-method: Slack's external file upload flow as one row


async def upload_file(client: AsyncWebClient, payload: Mapping[str, Any]) -> Any:
    """files.getUploadURLExternal, POST the bytes, files.completeUploadExternal (``files_upload_v2``).

    Payload: filename, title, channel_id, initial_comment, content_base64. A user id as channel_id
    means that person's DM, opened first (completeUploadExternal wants a conversation id).
    """
    channel = str(payload["channel_id"])
    if channel.startswith(("U", "W")):
        opened = await client.conversations_open(users=channel)
        channel = str(opened["channel"]["id"])
    return await client.files_upload_v2(
        filename=str(payload["filename"]),
        title=str(payload.get("title") or payload["filename"]),
        channel=channel,
        initial_comment=str(payload.get("initial_comment") or ""),
        content=base64.b64decode(payload["content_base64"]),
        request_file_info=False,
    )


def form_encode(payload: Mapping[str, Any]) -> dict[str, Any]:
    # Form bodies carry nested values (blocks, lists) as JSON strings, as Slack expects.
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}


def summarise(data: Mapping[str, Any]) -> dict[str, Any]:
    """What is worth keeping of a Slack reply: where the message or view landed."""
    result: dict[str, Any] = {"ok": bool(data.get("ok", True))}
    for key in ("channel", "ts", "message_ts", "warning"):
        value = data.get(key)
        if isinstance(value, str):
            result[key] = value
        elif key == "channel" and isinstance(value, dict) and isinstance(value.get("id"), str):
            result[key] = value["id"]  # conversations.open
    view = data.get("view")
    if isinstance(view, dict):
        result["view_id"] = view.get("id")
        result["view_hash"] = view.get("hash")
    return result


def classify_slack_error(exc: SlackApiError, permanent_errors: frozenset[str]) -> SendError:
    response = exc.response
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    data = getattr(response, "data", None)
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429 or error in RATE_LIMIT_ERRORS:
        return SendError("rate_limited", error or "ratelimited", _retry_after(headers))
    if isinstance(status, int) and status >= 500:
        return SendError("transient", f"http_{status}" + (f": {error}" if error else ""))
    if error in AUTH_ERRORS:
        return SendError("auth", error)
    if error in permanent_errors:
        return SendError("permanent", error)
    # Unknown errors and Slack-side hiccups (internal_error, fatal_error …): retried with backoff and
    # failed after max_attempts.
    return SendError("transient", error or f"http_{status}")


def _retry_after(headers: Mapping[str, str]) -> timedelta | None:
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return timedelta(seconds=max(0.0, float(raw))) if raw is not None else None
    except ValueError:
        return None
