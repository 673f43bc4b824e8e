"""Walking Block Kit structures: block ids, interactive elements, buttons, plain text."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Elements that produce a block_actions payload when the user operates them.
INTERACTIVE_TYPES = frozenset(
    {
        "button",
        "overflow",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "checkboxes",
        "radio_buttons",
        "plain_text_input",
        "number_input",
        "email_text_input",
        "url_text_input",
        "rich_text_input",
    }
)


@dataclass(frozen=True)
class Button:
    action_id: str
    value: str | None
    text: str
    block_id: str
    url: str | None = None
    style: str | None = None


def plain(text_obj: Any) -> str:
    """The visible string of a text object (plain_text or mrkdwn), or of a bare string."""
    if text_obj is None:
        return ""
    if isinstance(text_obj, str):
        return text_obj
    if isinstance(text_obj, dict):
        return str(text_obj.get("text", ""))
    return str(text_obj)


def ensure_block_ids(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Copy blocks and give each one a block_id, as Slack does before echoing them back in payloads."""
    result = copy.deepcopy(blocks or [])
    for block in result:
        if isinstance(block, dict) and not block.get("block_id"):
            block["block_id"] = secrets.token_urlsafe(4).replace("-", "x").replace("_", "y")[:5]
    return result


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every interactive element, in reading order."""
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        kind = block.get("type")
        if kind == "section" and isinstance(block.get("accessory"), dict):
            accessory = block["accessory"]
            if accessory.get("type") in INTERACTIVE_TYPES:
                yield block_id, accessory
        elif kind == "actions":
            for element in block.get("elements", []):
                yield block_id, element
        elif kind == "input" and isinstance(block.get("element"), dict):
            yield block_id, block["element"]


def buttons(blocks: list[dict[str, Any]]) -> list[Button]:
    found: list[Button] = []
    for block_id, element in iter_elements(blocks):
        if element.get("type") == "button":
            found.append(
                Button(
                    action_id=str(element.get("action_id", "")),
                    value=element.get("value"),
                    text=plain(element.get("text")),
                    block_id=block_id,
                    url=element.get("url"),
                    style=element.get("style"),
                )
            )
    return found


def find_element(
    blocks: list[dict[str, Any]], action_id: str, *, block_id: str | None = None, value: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The element with that action_id (and block_id/button value when given); LookupError otherwise."""
    for bid, element in iter_elements(blocks):
        if element.get("action_id") != action_id:
            continue
        if block_id is not None and bid != block_id:
            continue
        if value is not None and element.get("type") == "button" and element.get("value") != value:
            continue
        return bid, element
    raise LookupError(f"no element with action_id={action_id!r} in these blocks")


def text_of_blocks(blocks: list[dict[str, Any]]) -> str:
    """All human-readable text in the blocks, one line per piece; handy for assertions."""
    parts: list[str] = []
    for block in blocks:
        for key in ("text", "label"):
            if block.get(key):
                parts.append(plain(block[key]))
        parts.extend(plain(f) for f in block.get("fields", []))
        for element in block.get("elements", []):
            if element.get("type") in ("mrkdwn", "plain_text"):
                parts.append(plain(element))
            elif element.get("text"):
                parts.append(plain(element["text"]))
            elif element.get("type") == "rich_text_section":
                parts.append("".join(str(e.get("text", "")) for e in element.get("elements", [])))
        if isinstance(block.get("accessory"), dict) and block["accessory"].get("text"):
            parts.append(plain(block["accessory"]["text"]))
    return "\n".join(p for p in parts if p)
