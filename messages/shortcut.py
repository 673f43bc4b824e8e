"""The message shortcut "督办 this message": the assignment form, filled from the message."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.items import REQUIREMENTS_MAX, TITLE_MAX
from messages.i18n import tp
from messages.modals import REQUIREMENTS, TITLE, assign_modal
from messages.text import clip

MESSAGE_SHORTCUT = "duban_message"  # callback_id of the shortcut in bot/manifest.yaml
SHORTCUT_CALLBACK = "assign_from_message"  # the form it opens (the assignment form, plus the source)
TITLE_PREFILL_MAX = 60
QUOTE_MAX = 2400  # leaves room for the link within the form's 3000 characters


def quoted(loc: str, text: str, author: str | None) -> str:
    """The message as a quote (``> `` per line), after who wrote it."""
    body = clip(text.strip(), QUOTE_MAX) if text.strip() else tp(loc, "fix.shortcut_no_text")
    lines = ["> " + line for line in body.splitlines()]
    if author:
        lines.insert(0, f"<@{author}>:")
    return "\n".join(lines)


def source_line(loc: str, link: str) -> str:
    return tp(loc, "fix.shortcut_source", link=link)


def prefilled_assign_modal(
    loc: str, text: str, author: str | None, *, channel: str | None, ts: str | None, link: str | None = None
) -> dict[str, Any]:
    """The assignment form: title from the message's first line, the message quoted in the requirements,
    and (once known) its permalink shown on top and kept in private_metadata for the submission."""
    meta = json.dumps({"channel": channel, "ts": ts, "link": link})
    view = assign_modal(loc, private_metadata=meta)
    view["callback_id"] = SHORTCUT_CALLBACK
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = clip(" ".join(first.split()), min(TITLE_PREFILL_MAX, TITLE_MAX))
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block.get("block_id") == TITLE and title:
            element["initial_value"] = title
        elif block.get("block_id") == REQUIREMENTS:
            element["initial_value"] = quoted(loc, text, author)
    if link:
        # An input keeps what it showed when the view is updated, so the link goes in a block of its own.
        line = {"type": "mrkdwn", "text": clip(source_line(loc, link), 2900)}
        view["blocks"].insert(0, {"type": "context", "block_id": "source_link", "elements": [line]})
    return view


def link_of(private_metadata: str) -> str | None:
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return None
    link = data.get("link") if isinstance(data, dict) else None
    return link if isinstance(link, str) and link.startswith("https://") else None


def with_source(loc: str, requirements: str, link: str | None) -> str:
    """The requirements as submitted, ending with the original message's link (once)."""
    if not link or link in requirements:
        return requirements
    joined = f"{requirements.rstrip()}\n{source_line(loc, link)}".strip()
    return joined if len(joined) <= REQUIREMENTS_MAX else requirements
