"""The fast block serialiser gives exactly slack_sdk's ``to_dict``, and defers to it outside its shapes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ImageBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from messages import blocks
from messages.fast_blocks import fast_dict

texts = st.text(min_size=1, max_size=40).filter(lambda s: s.strip())
ids = st.none() | st.text(alphabet="abcdefgh_0123456789", min_size=1, max_size=20)


@st.composite
def some_block(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    kind = draw(
        st.sampled_from(["header", "section", "section_button", "fields", "context", "divider", "actions"])
    )
    if kind == "header":
        return blocks.header(draw(texts))
    if kind == "section":
        return blocks.section(draw(texts), block_id=draw(ids))
    if kind == "section_button":  # a list line with its Open button
        style = draw(st.sampled_from([None, "primary", "danger"]))
        return SectionBlock(
            text=MarkdownTextObject(text=draw(texts)),
            accessory=blocks.button(draw(texts), "open", draw(texts), style=style),
            block_id=draw(ids),
        )
    if kind == "fields":
        return blocks.fields(*draw(st.lists(texts, min_size=1, max_size=12)))
    if kind == "context":
        return blocks.context(*draw(st.lists(texts, min_size=1, max_size=12)))
    if kind == "divider":
        return blocks.divider()
    buttons = [
        blocks.button(
            draw(texts), f"act_{n}", draw(texts), style=draw(st.sampled_from([None, "primary", "danger"]))
        )
        for n in range(draw(st.integers(1, 5)))
    ]
    return blocks.actions(*buttons, block_id=draw(ids))


@given(some_block())
def test_fast_path_equals_slack_sdk(block) -> None:  # type: ignore[no-untyped-def]
    fast = fast_dict(block)
    assert fast is not None
    assert fast == block.to_dict()


def test_unknown_shapes_and_broken_limits_go_to_slack_sdk() -> None:
    image = ImageBlock(image_url="https://example.com/a.png", alt_text="a")
    assert fast_dict(image) is None
    accessory = SectionBlock(text=MarkdownTextObject(text="x"), accessory=image_button())
    assert fast_dict(accessory) is None
    too_long = ButtonElement(text=PlainTextObject(text="go"), action_id="a" * 300, value="v")
    assert fast_dict(ActionsBlock(elements=[too_long])) is None
    with pytest.raises(SlackObjectFormationError):
        blocks.to_dicts([ActionsBlock(elements=[too_long])])


def image_button() -> ButtonElement:
    return ButtonElement(text=PlainTextObject(text="open"), action_id="open", url="https://example.com")
