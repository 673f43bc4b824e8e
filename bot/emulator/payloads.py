"""Request bodies exactly as Slack sends them to an app: slash commands, interactivity, Events API."""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

from bot.emulator.blocks import iter_elements, plain
from bot.emulator.state import Channel, Message, View, WorkspaceState, WorkspaceUser
from bot.emulator.view_state import entry_from_value, initial_entry, is_stateful


def _user(state: WorkspaceState, user: WorkspaceUser) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": state.team_id}


def _team(state: WorkspaceState) -> dict[str, Any]:
    return {"id": state.team_id, "domain": state.team_domain}


def channel_name(channel: Channel) -> str:
    return "directmessage" if channel.is_im else channel.name


def action_ts() -> str:
    return f"{time.time():.6f}"


def slash_command(
    state: WorkspaceState,
    *,
    user: WorkspaceUser,
    channel: Channel,
    command: str,
    text: str,
    response_url: str,
    trigger_id: str,
    token: str,
) -> dict[str, str]:
    """Form fields of a slash command request (sent as application/x-www-form-urlencoded)."""
    return {
        "token": token,
        "team_id": state.team_id,
        "team_domain": state.team_domain,
        "channel_id": channel.id,
        "channel_name": channel_name(channel),
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": state.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def action_entry(
    block_id: str, element: dict[str, Any], value: Any = None, **resolvers: Any
) -> dict[str, Any]:
    """One item of `actions`: a button press or a new selection in a select/picker element."""
    kind = str(element.get("type"))
    entry: dict[str, Any] = {"action_id": element.get("action_id"), "block_id": block_id, "type": kind}
    if kind == "button":
        entry["text"] = {"type": "plain_text", "text": plain(element.get("text")), "emoji": True}
        if element.get("value") is not None:
            entry["value"] = element["value"]
        if element.get("style"):
            entry["style"] = element["style"]
    else:
        entry.update({k: v for k, v in entry_from_value(element, value, **resolvers).items() if k != "type"})
        if kind in ("static_select", "radio_buttons") and element.get("initial_option"):
            entry["initial_option"] = element["initial_option"]
        if element.get("placeholder"):
            entry["placeholder"] = element["placeholder"]
    entry["action_ts"] = action_ts()
    return entry


def message_state(message: Message) -> dict[str, Any]:
    """State of stateful elements in a message (Slack sends their current values with any action)."""
    values: dict[str, dict[str, Any]] = {}
    for block_id, element in iter_elements(message.blocks):
        if is_stateful(element):
            values.setdefault(block_id, {})[str(element.get("action_id", ""))] = initial_entry(element)
    return {"values": values}


def block_actions_from_message(
    state: WorkspaceState,
    *,
    user: WorkspaceUser,
    message: Message,
    action: dict[str, Any],
    trigger_id: str,
    response_url: str,
    token: str,
) -> dict[str, Any]:
    channel = state.channels.get(message.channel)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(state, user),
        "api_app_id": state.app_id,
        "token": token,
        "container": {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": message.is_ephemeral,
        },
        "trigger_id": trigger_id,
        "team": _team(state),
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": message.channel, "name": channel_name(channel) if channel else ""},
        "state": message_state(message),
        "response_url": response_url,
        "actions": [action],
    }
    if not message.is_ephemeral:  # Slack omits the message body for ephemeral messages
        payload["message"] = message.to_api(state.team_id, state.app_id)
    return payload


def message_action(
    state: WorkspaceState,
    *,
    user: WorkspaceUser,
    message: Message,
    callback_id: str,
    trigger_id: str,
    response_url: str,
    token: str,
) -> dict[str, Any]:
    """A message shortcut chosen from a message's "More actions" menu."""
    channel = state.channels.get(message.channel)
    return {
        "type": "message_action",
        "token": token,
        "action_ts": action_ts(),
        "team": _team(state),
        "user": _user(state, user),
        "channel": {"id": message.channel, "name": channel_name(channel) if channel else ""},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "message_ts": message.ts,
        "message": message.to_api(state.team_id, state.app_id),
    }


def block_actions_from_view(
    state: WorkspaceState,
    *,
    user: WorkspaceUser,
    view: View,
    action: dict[str, Any],
    trigger_id: str,
    token: str,
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": _user(state, user),
        "api_app_id": state.app_id,
        "token": token,
        "container": {"type": "view", "view_id": view.id},
        "trigger_id": trigger_id,
        "team": _team(state),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view.to_api(state.team_id, state.app_id, state.bot_id),
        "actions": [action],
    }


def view_submission(
    state: WorkspaceState, *, user: WorkspaceUser, view: View, trigger_id: str, token: str
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": _team(state),
        "user": _user(state, user),
        "api_app_id": state.app_id,
        "token": token,
        "trigger_id": trigger_id,
        "view": view.to_api(state.team_id, state.app_id, state.bot_id),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(
    state: WorkspaceState, *, user: WorkspaceUser, view: View, token: str, is_cleared: bool = False
) -> dict[str, Any]:
    return {
        "type": "view_closed",
        "team": _team(state),
        "user": _user(state, user),
        "api_app_id": state.app_id,
        "token": token,
        "view": view.to_api(state.team_id, state.app_id, state.bot_id),
        "is_cleared": is_cleared,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def user_message_event(state: WorkspaceState, message: Message) -> dict[str, Any]:
    channel = state.channels[message.channel]
    event: dict[str, Any] = {
        "type": "message",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "channel": message.channel,
        "event_ts": message.ts,
        "channel_type": "im" if channel.is_im else "channel",
        "client_msg_id": str(uuid.uuid4()),
        "team": state.team_id,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": secrets.token_hex(2),
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": message.text}]}
                ],
            }
        ],
    }
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
        parent = state.find_message(message.channel, message.thread_ts)
        if parent is not None:
            event["parent_user_id"] = parent.user
    return event


def app_home_opened_event(state: WorkspaceState, user_id: str, tab: str = "home") -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": state.im_channel(user_id).id,
        "tab": tab,
        "event_ts": action_ts(),
    }
    home = state.homes.get(user_id)
    if home is not None and tab == "home":
        event["view"] = home.to_api(state.team_id, state.app_id, state.bot_id)
    return event


def event_callback(
    state: WorkspaceState, event: dict[str, Any], *, event_id: str, token: str
) -> dict[str, Any]:
    event = dict(event)
    event.setdefault("event_ts", action_ts())
    return {
        "token": token,
        "team_id": state.team_id,
        "context_team_id": state.team_id,
        "context_enterprise_id": None,
        "api_app_id": state.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": state.team_id,
                "user_id": state.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
        "authed_users": [state.bot_user_id],
    }


def new_event_id() -> str:
    return "Ev" + secrets.token_hex(5).upper()
