"""A fast serialiser for the plain blocks Duban sends most (header, section, also with a button accessory,
context, divider, actions with buttons, text objects): the dict slack_sdk's ``to_dict`` makes, without its
generic validator walk.

slack_sdk validates every attribute of every object on ``to_dict`` through reflection (``dir`` of the
class, one validator call each), which costs about a millisecond per message: a sweep that queues a
thousand reminders spent most of its time there. Here the same limits are checked directly; anything
outside the known shapes or limits returns ``None`` and the caller falls back to ``to_dict`` (which
then raises the usual error). ``tests/unit/test_fast_blocks.py`` holds both paths equal.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

ID_LIMIT = 255
VALUE_LIMIT = 2000
STYLES = frozenset({"primary", "danger"})


class _Unsupported(Exception):
    """Not a shape this serialiser knows: use slack_sdk's own ``to_dict``."""


def _check(ok: bool) -> None:
    if not ok:
        raise _Unsupported


def _text(obj: Any, limit: int) -> dict[str, Any]:
    kind = type(obj)
    if kind is PlainTextObject:
        _check(isinstance(obj.text, str) and 0 < len(obj.text) <= limit)
        out: dict[str, Any] = {"text": obj.text, "type": "plain_text"}
        if obj.emoji is not None:
            out["emoji"] = obj.emoji
        return out
    if kind is MarkdownTextObject:
        _check(isinstance(obj.text, str) and 0 < len(obj.text) <= limit)
        out = {"text": obj.text, "type": "mrkdwn"}
        if obj.verbatim is not None:
            out["verbatim"] = obj.verbatim
        return out
    raise _Unsupported


def _block_id(out: dict[str, Any], block: Any) -> dict[str, Any]:
    if block.block_id is not None:
        _check(isinstance(block.block_id, str) and 0 < len(block.block_id) <= ID_LIMIT)
        out["block_id"] = block.block_id
    _check(getattr(block, "color", None) is None)
    return out


def _button(element: Any) -> dict[str, Any]:
    _check(type(element) is ButtonElement)
    _check(
        all(
            getattr(element, name, None) is None
            for name in ("url", "confirm", "accessibility_label", "agent_prompt", "visible_to_user_ids")
        )
    )
    _check(type(element.text) is PlainTextObject)
    out: dict[str, Any] = {"text": _text(element.text, 75), "type": "button"}
    if element.action_id is not None:
        _check(isinstance(element.action_id, str) and 0 < len(element.action_id) <= ID_LIMIT)
        out["action_id"] = element.action_id
    if element.value is not None:
        _check(isinstance(element.value, str) and 0 < len(element.value) <= VALUE_LIMIT)
        out["value"] = element.value
    if element.style is not None:
        _check(element.style in STYLES)
        out["style"] = element.style
    return out


def _block(block: Any) -> dict[str, Any]:
    kind = type(block)
    if kind is HeaderBlock:
        _check(type(block.text) is PlainTextObject)
        return _block_id({"text": _text(block.text, 150), "type": "header"}, block)
    if kind is SectionBlock:
        _check(block.expand is None)
        out: dict[str, Any] = {"type": "section"}
        if block.text is not None:
            out["text"] = _text(block.text, 3000)
        if block.fields:
            _check(len(block.fields) <= 10)
            out["fields"] = [_text(f, 2000) for f in block.fields]
        _check("text" in out or "fields" in out)
        if block.accessory is not None:  # a plain button (list lines' "Open"); anything else: slack_sdk
            out["accessory"] = _button(block.accessory)
        return _block_id(out, block)
    if kind is ContextBlock:
        _check(0 < len(block.elements) <= 10)
        return _block_id({"elements": [_text(e, 3000) for e in block.elements], "type": "context"}, block)
    if kind is DividerBlock:
        return _block_id({"type": "divider"}, block)
    if kind is ActionsBlock:
        _check(0 < len(block.elements) <= 25)
        return _block_id({"elements": [_button(e) for e in block.elements], "type": "actions"}, block)
    raise _Unsupported


def fast_dict(block: Any) -> dict[str, Any] | None:
    """``block.to_dict()`` for the known plain shapes; ``None`` for anything else."""
    try:
        return _block(block)
    except (_Unsupported, AttributeError, TypeError):
        return None
