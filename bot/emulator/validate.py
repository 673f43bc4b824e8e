"""Slack's Block Kit limits that real bots trip over; the emulator rejects what Slack would reject.

Only the limits that matter in practice are checked (sizes and counts), not the whole schema.
"""

from __future__ import annotations

from typing import Any

from bot.emulator.blocks import plain

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000

_TEXT_LIMITS = {"section": 3000, "header": 150, "input_label": 2000, "context": 2000}


def _check_element(element: dict[str, Any], where: str, errors: list[str]) -> None:
    action_id = element.get("action_id")
    if action_id is not None and len(str(action_id)) > 255:
        errors.append(f"{where}: action_id must be at most 255 characters")
    if element.get("type") == "button":
        if len(plain(element.get("text"))) > 75:
            errors.append(f"{where}: button text must be at most 75 characters")
        if element.get("value") is not None and len(str(element["value"])) > 2000:
            errors.append(f"{where}: button value must be at most 2000 characters")
    for opt in element.get("options") or []:
        if len(plain(opt.get("text"))) > 75:
            errors.append(f"{where}: option text must be at most 75 characters")
        if len(str(opt.get("value", ""))) > 150:
            errors.append(f"{where}: option value must be at most 150 characters")
    if element.get("placeholder") is not None and len(plain(element["placeholder"])) > 150:
        errors.append(f"{where}: placeholder must be at most 150 characters")


def validate_blocks(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """Messages like Slack's `response_metadata.messages`; empty when the blocks are acceptable."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        return ["[ERROR] blocks must be a list of objects that each have a type"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"[ERROR] no more than {max_blocks} items allowed [json-pointer:/blocks]")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"[ERROR] [json-pointer:/blocks/{i}]"
        block_id = block.get("block_id")
        if block_id:
            if block_id in seen:
                errors.append(f"{where}: duplicate block_id {block_id!r}")
            seen.add(block_id)
        kind = block["type"]
        if kind == "section":
            if len(plain(block.get("text"))) > _TEXT_LIMITS["section"]:
                errors.append(f"{where}: section text must be at most 3000 characters")
            fields = block.get("fields") or []
            if len(fields) > 10 or any(len(plain(f)) > 2000 for f in fields):
                errors.append(f"{where}: at most 10 fields of at most 2000 characters each")
            if not block.get("text") and not fields:
                errors.append(f"{where}: a section needs text or fields")
            if isinstance(block.get("accessory"), dict):
                _check_element(block["accessory"], where, errors)
        elif kind == "header" and len(plain(block.get("text"))) > _TEXT_LIMITS["header"]:
            errors.append(f"{where}: header text must be at most 150 characters")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > 25:
                errors.append(f"{where}: an actions block needs 1 to 25 elements")
            for element in elements:
                _check_element(element, where, errors)
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > 10:
                errors.append(f"{where}: a context block needs 1 to 10 elements")
        elif kind == "input":
            if len(plain(block.get("label"))) > _TEXT_LIMITS["input_label"]:
                errors.append(f"{where}: input label must be at most 2000 characters")
            if not isinstance(block.get("element"), dict):
                errors.append(f"{where}: an input block needs an element")
            else:
                _check_element(block["element"], where, errors)
    return errors


def validate_view(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["[ERROR] view must be an object"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return ["[ERROR] view type must be modal or home [json-pointer:/view/type]"]
    errors = validate_blocks(view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS)
    if kind == "modal":
        title = plain(view.get("title"))
        if not title:
            errors.append("[ERROR] a modal needs a title [json-pointer:/view/title]")
        if len(title) > 24:
            errors.append("[ERROR] must be less than 25 characters [json-pointer:/view/title/text]")
        for key in ("submit", "close"):
            if view.get(key) is not None and len(plain(view[key])) > 24:
                errors.append(f"[ERROR] must be less than 25 characters [json-pointer:/view/{key}/text]")
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []))
        if has_input and view.get("submit") is None:
            errors.append(
                "[ERROR] a modal with input blocks needs a submit button [json-pointer:/view/submit]"
            )
    if len(str(view.get("private_metadata", ""))) > 3000:
        errors.append(
            "[ERROR] private_metadata must be at most 3000 characters [json-pointer:/view/private_metadata]"
        )
    if len(str(view.get("callback_id", ""))) > 255:
        errors.append("[ERROR] callback_id must be at most 255 characters [json-pointer:/view/callback_id]")
    return errors
