"""The message shortcut "督办 this message": the assignment form, filled from the message."""

from __future__ import annotations

from typing import Any

from bot.domain.items import TITLE_MAX
from messages.i18n import tp
from messages.modals import REQUIREMENTS, TITLE, assign_modal
from messages.text import clip

MESSAGE_SHORTCUT = "duban_message"
TITLE_PREFILL_MAX = 60
QUOTE_MAX = 2400  # leaves room for the link within the form's 3000 characters


def quoted(loc: str, text: str, author: str | None, link: str | None) -> str:
    """The message as a quote (``> `` per line), who wrote it, and its permalink when known."""
    body = clip(text.strip(), QUOTE_MAX) if text.strip() else tp(loc, "fix.shortcut_no_text")
    lines = ["> " + line for line in body.splitlines()]
    if author:
        lines.insert(0, f"<@{author}>:")
    if link:
        lines.append(tp(loc, "fix.shortcut_source", link=link))
    return "\n".join(lines)


def prefilled_assign_modal(loc: str, text: str, author: str | None, link: str | None) -> dict[str, Any]:
    """The assignment modal with the title taken from the message's first line and the message quoted."""
    view = assign_modal(loc)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = clip(" ".join(first.split()), min(TITLE_PREFILL_MAX, TITLE_MAX))
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block.get("block_id") == TITLE and title:
            element["initial_value"] = title
        elif block.get("block_id") == REQUIREMENTS:
            element["initial_value"] = quoted(loc, text, author, link)
    return view
