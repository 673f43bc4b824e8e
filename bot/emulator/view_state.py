"""Element values in Slack's `state.values` shape, from initial_* fields or simple test/console values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from bot.emulator.blocks import plain
from bot.emulator.user_files import picked_files

# element type -> (state key, is a list)
_STATE_KEYS: dict[str, tuple[str, bool]] = {
    "plain_text_input": ("value", False),
    "email_text_input": ("value", False),
    "url_text_input": ("value", False),
    "number_input": ("value", False),
    "rich_text_input": ("rich_text_value", False),
    "users_select": ("selected_user", False),
    "multi_users_select": ("selected_users", True),
    "conversations_select": ("selected_conversation", False),
    "multi_conversations_select": ("selected_conversations", True),
    "channels_select": ("selected_channel", False),
    "multi_channels_select": ("selected_channels", True),
    "datepicker": ("selected_date", False),
    "timepicker": ("selected_time", False),
    "datetimepicker": ("selected_date_time", False),
    "static_select": ("selected_option", False),
    "external_select": ("selected_option", False),
    "radio_buttons": ("selected_option", False),
    "overflow": ("selected_option", False),
    "multi_static_select": ("selected_options", True),
    "multi_external_select": ("selected_options", True),
    "checkboxes": ("selected_options", True),
    "file_input": ("files", True),  # Slack's file objects; only in a modal's input block
}

# Where each element keeps its initial value in the view definition.
_INITIAL_KEYS: dict[str, str] = {
    "value": "initial_value",
    "rich_text_value": "initial_value",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel",
    "selected_channels": "initial_channels",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
    "selected_option": "initial_option",
    "selected_options": "initial_options",
}

Resolver = Callable[[str], str | None]
FileMaker = Callable[[str], dict[str, Any]]  # a file name -> the file object of its upload


def is_stateful(element: dict[str, Any]) -> bool:
    return element.get("type") in _STATE_KEYS and element.get("type") != "overflow"


def state_key(element: dict[str, Any]) -> tuple[str, bool]:
    kind = str(element.get("type"))
    if kind not in _STATE_KEYS:
        raise ValueError(f"element type {kind!r} holds no value")
    return _STATE_KEYS[kind]


def options_of(element: dict[str, Any]) -> list[dict[str, Any]]:
    opts = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        opts.extend(group.get("options") or [])
    return opts


def initial_entry(element: dict[str, Any]) -> dict[str, Any]:
    key, is_list = state_key(element)
    value = element.get(_INITIAL_KEYS[key]) if key in _INITIAL_KEYS else None  # a file_input starts empty
    if value is None and is_list:
        value = []
    if element.get("type") == "number_input" and value is not None:
        value = str(value)
    return {"type": element["type"], key: value}


def initial_state(blocks: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """What Slack would report for an untouched view: every input block, with initial values."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in blocks:
        element = block.get("element")
        if block.get("type") == "input" and isinstance(element, dict) and is_stateful(element):
            values.setdefault(block["block_id"], {})[str(element.get("action_id", ""))] = initial_entry(
                element
            )
    return values


def _find_option(element: dict[str, Any], wanted: Any) -> dict[str, Any]:
    if isinstance(wanted, dict):
        return wanted
    if element.get("type") in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": str(wanted)}, "value": str(wanted)}
    for option in options_of(element):
        if option.get("value") == str(wanted):
            return option
    for option in options_of(element):  # a console user may type the label instead of the value
        if plain(option.get("text")).casefold() == str(wanted).casefold():
            return option
    choices = [o.get("value") for o in options_of(element)]
    raise ValueError(f"{wanted!r} is not an option of {element.get('action_id')!r}; choices: {choices}")


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    return list(value)


def _resolve(ref: Any, resolver: Resolver | None, what: str) -> str:
    found = resolver(str(ref)) if resolver else str(ref)
    if not found:
        raise ValueError(f"unknown {what}: {ref!r}")
    return found


def _files(element: dict[str, Any], value: Any, files: FileMaker | None) -> list[dict[str, Any]]:
    """File names (uploaded now, by the person submitting) or Slack file objects as they are."""
    picked = picked_files(element, _as_list(value))
    if files is None and not all(isinstance(f, dict) for f in picked):
        raise ValueError("a file name needs someone to upload it: pass file objects instead")
    return [f if isinstance(f, dict) else files(str(f)) for f in picked]  # type: ignore[misc]


def entry_from_value(
    element: dict[str, Any],
    value: Any,
    *,
    users: Resolver | None = None,
    channels: Resolver | None = None,
    files: FileMaker | None = None,
) -> dict[str, Any]:
    """Turn a simple value (str, list, date, option value, file names…) into the element's state entry."""
    kind = str(element.get("type"))
    key, is_list = state_key(element)
    if value is None or value == "" or (is_list and not isinstance(value, str) and len(value) == 0):
        return {"type": kind, key: [] if is_list else None}
    if kind in ("users_select", "multi_users_select"):
        picked: Any = (
            [_resolve(v, users, "user") for v in _as_list(value)]
            if is_list
            else _resolve(value, users, "user")
        )
    elif kind.endswith(("conversations_select", "channels_select")):
        picked = (
            [_resolve(v, channels, "channel") for v in _as_list(value)]
            if is_list
            else _resolve(value, channels, "channel")
        )
    elif kind == "file_input":
        picked = _files(element, value, files)
    elif kind == "datepicker":
        picked = value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value)).isoformat()
    elif kind == "timepicker":
        picked = (
            value.strftime("%H:%M")
            if isinstance(value, time)
            else time.fromisoformat(str(value)).strftime("%H:%M")
        )
    elif kind == "datetimepicker":
        picked = int(value.timestamp()) if isinstance(value, datetime) else int(value)
    elif key == "selected_option":
        picked = _find_option(element, value)
    elif key == "selected_options":
        picked = [_find_option(element, v) for v in _as_list(value)]
    elif kind == "number_input":
        float(value)  # raises on garbage, as the Slack client refuses non-numbers
        picked = str(value)
    else:
        picked = value if kind == "rich_text_input" and isinstance(value, dict) else str(value)
        if kind == "rich_text_input" and isinstance(picked, str):
            picked = {
                "type": "rich_text",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": picked}]}],
            }
    return {"type": kind, key: picked}


def is_empty(entry: dict[str, Any]) -> bool:
    return all(v in (None, "", []) for k, v in entry.items() if k != "type")


def display_value(entry: dict[str, Any] | None, name_of: Callable[[str], str] | None = None) -> str:
    """A short human reading of a state entry, for the console."""
    if not entry:
        return ""
    name_of = name_of or (lambda x: x)
    for key, value in entry.items():
        if key == "type" or value in (None, "", []):
            continue
        if key == "selected_option":
            return plain(value.get("text"))
        if key == "selected_options":
            return ", ".join(plain(o.get("text")) for o in value)
        if key in ("selected_user", "selected_conversation", "selected_channel"):
            return name_of(value)
        if key in ("selected_users", "selected_conversations", "selected_channels"):
            return ", ".join(name_of(v) for v in value)
        if key == "files":
            return ", ".join(str(f.get("name", "")) for f in value)
        if key == "rich_text_value":
            return " ".join(
                str(e.get("text", "")) for s in value.get("elements", []) for e in s.get("elements", [])
            )
        return str(value)
    return ""
