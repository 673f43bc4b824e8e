"""Exactly once for posted messages: every ``chat.postMessage`` carries its outbox key as message metadata,
and a send that may already have reached Slack is looked up before it is sent again.

Needs the history scopes of the conversations the bot posts in (im:history for DMs, channels:history or
groups:history for the bulletin channel). When the lookup itself fails, the send goes ahead: a possible
duplicate is better than a lost urging.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from storage.outbox import ClaimedSend

log = logging.getLogger(__name__)

EVENT_TYPE = "duban_send"
# How far back to look: a send is in doubt for a lease (about a minute) and may wait longer behind pacing,
# while the bot keeps posting (at most one message a second per conversation): five pages of 200.
PAGE_SIZE = 200
MAX_PAGES = 5


def with_send_key(send: ClaimedSend) -> dict[str, Any]:
    """The payload with the idempotency key attached as metadata (an existing metadata is kept)."""
    payload = dict(send.payload)
    metadata = payload.get("metadata")
    if isinstance(metadata, dict):
        event_payload = {**(metadata.get("event_payload") or {}), "duban_key": send.idem_key}
        payload["metadata"] = {**metadata, "event_payload": event_payload}
    else:
        payload["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"duban_key": send.idem_key}}
    return payload


def _carries(message: dict[str, Any], key: str) -> bool:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict):
        return False
    event_payload = metadata.get("event_payload")
    return isinstance(event_payload, dict) and event_payload.get("duban_key") == key


async def find_posted(client: AsyncWebClient, send: ClaimedSend) -> dict[str, Any] | None:
    """``{"ok", "channel", "ts"}`` of the message this send already posted, or None."""
    channel = send.payload.get("channel")
    if not isinstance(channel, str) or not channel:
        return None
    try:
        if channel.startswith(("U", "W")):  # a DM is addressed by user id; history wants the D… id
            opened = await client.conversations_open(users=channel)
            channel = str(opened["channel"]["id"])
        thread_ts = send.payload.get("thread_ts")
        cursor: str | None = None  # the first page has none
        for _ in range(MAX_PAGES):
            if isinstance(thread_ts, str) and thread_ts:
                response = await client.conversations_replies(
                    channel=channel, ts=thread_ts, include_all_metadata=True, limit=PAGE_SIZE, cursor=cursor
                )
            else:
                response = await client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=PAGE_SIZE, cursor=cursor
                )
            for message in response.get("messages") or []:
                if isinstance(message, dict) and _carries(message, send.idem_key):
                    return {"ok": True, "channel": channel, "ts": str(message.get("ts")), "recovered": True}
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except SlackApiError as error:
        data = error.response.data if isinstance(error.response.data, dict) else {}
        reason = data.get("error") or f"HTTP {error.response.status_code}"
        log.warning("could not look for outbox row %s in Slack (%s); sending it", send.id, reason)
        return None
    except Exception:  # network trouble: same answer, the send goes ahead and is retried as usual
        log.warning("could not look for outbox row %s in Slack; sending it", send.id, exc_info=True)
    return None
