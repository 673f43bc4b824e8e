"""Slack text safety: escape what Slack decodes, and nothing else.

Slack's mrkdwn decodes exactly ``&amp;``, ``&lt;`` and ``&gt;``; escaping those three turns anything a user
typed (``<!channel>``, ``<@U…>``, ``<!subteam^…>``, links) into inert text. HTML escaping would show
people ``&#39;``. Text we build ourselves (mentions, dates) is marked with :class:`Mrkdwn` and passes.
"""

from __future__ import annotations

import re

from bot.domain.reports import clip as clip  # re-exported: the one definition is the core's

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Plain-text fields do not parse mentions, but a zero-width joiner keeps bare @channel/@here inert too.
_BROADCAST_WORDS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


class Mrkdwn(str):
    """Text that is already safe mrkdwn (built by us, not typed by a user)."""

    __slots__ = ()


def escape(value: object) -> str:
    if isinstance(value, Mrkdwn):
        return value
    text = str(value)
    # Most text has none of these: the membership tests cost a fraction of translate() and the regex.
    if "&" in text or "<" in text or ">" in text:
        text = text.translate(_ESCAPES)
    return _BROADCAST_WORDS.sub("@\u200d\\1", text) if "@" in text else text


def plain(value: object) -> str:
    """For plain_text objects: Slack shows entities literally there, so only defuse broadcast words."""
    text = str(value)
    return _BROADCAST_WORDS.sub("@\u200d\\1", text) if "@" in text else text


def mention(user_id: str) -> Mrkdwn:
    return Mrkdwn(f"<@{user_id}>")




def number(value: float, places: int = 2) -> str:
    """A figure for people: up to ``places`` decimals, no trailing zeros (1.25, 1.5, 2, 66.67)."""
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
