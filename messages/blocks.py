"""Small Block Kit helpers on top of slack_sdk.models (which validates Slack's limits on to_dict)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from messages.fast_blocks import fast_dict
from messages.text import clip, plain

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
FIELD_LIMIT = 2000
BUTTON_LIMIT = 75
MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(plain(text), HEADER_LIMIT), emoji=True))


def section(text: str, *, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)), block_id=block_id)


def fields(*pairs: str) -> SectionBlock:
    """A two-column section; Slack allows 10 fields of 2000 characters."""
    return SectionBlock(fields=[MarkdownTextObject(text=clip(p, FIELD_LIMIT)) for p in pairs[:10]])


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t, SECTION_LIMIT)) for t in texts[:10]])


def divider() -> DividerBlock:
    return DividerBlock()


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=clip(plain(text), BUTTON_LIMIT), emoji=True),
        action_id=action_id,
        value=value,
        style=style,
    )


def actions(*elements: ButtonElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements), block_id=block_id)


def to_dicts(blocks: list[Block], *, limit: int = MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    """Serialise (slack_sdk validates every block) and keep within the per-surface block limit."""
    if len(blocks) > limit:
        raise ValueError(f"{len(blocks)} blocks exceed the limit of {limit}")
    return [fast_dict(block) or block.to_dict() for block in blocks]


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A chat.postMessage/ack body: fallback text (notifications, screen readers) plus blocks."""
    return {"text": clip(text, SECTION_LIMIT), "blocks": to_dicts(blocks)}
