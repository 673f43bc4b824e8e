"""What Slack does with a reply to a user action: an ack body, or a POST to a response_url."""

from __future__ import annotations

from typing import Any

from bot.emulator.api_common import ResponseTarget
from bot.emulator.blocks import ensure_block_ids
from bot.emulator.state import Message, WorkspaceState


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _original(state: WorkspaceState, target: ResponseTarget) -> Message | None:
    if target.message_ts is None:  # slash command: its latest reply plays the original
        ts = target.last_ephemeral_ts
        return state.find_ephemeral(target.channel_id, ts) if ts else None
    if target.original_is_ephemeral:
        return state.find_ephemeral(target.channel_id, target.message_ts)
    return state.find_message(target.channel_id, target.message_ts)


def apply_response(
    state: WorkspaceState, target: ResponseTarget, body: dict[str, Any], *, source: str, ts: str | None = None
) -> Message | None:
    """Post, replace or delete as Slack would; returns the message created or changed, if any."""
    original = _original(state, target)
    replacing = _truthy(body.get("delete_original")) or _truthy(body.get("replace_original"))
    if target.message_ts is None and not target.acked and source != "ack" and replacing:
        target.ack_superseded = True
    if _truthy(body.get("delete_original")):
        if original is not None:
            state.delete_message(original)
        return None
    text = str(body.get("text") or "")
    blocks = body.get("blocks")
    if _truthy(body.get("replace_original")) and original is not None:
        original.text = text
        original.blocks = ensure_block_ids(blocks)
        original.version += 1
        return original
    if not text and not blocks:
        return None
    if body.get("response_type") == "in_channel":
        channel = state.channels.get(target.channel_id) or state.im_channel(target.user_id)
        return state.add_message(
            channel, state.bot_user_id, text, blocks=blocks, thread_ts=body.get("thread_ts") or None
        )
    msg = state.add_ephemeral(target.user_id, target.channel_id, text, blocks=blocks, source=source, ts=ts)
    target.last_ephemeral_ts = msg.ts
    return msg
