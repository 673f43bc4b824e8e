"""Quiet hours (免打扰时段): the answers to ``/duban settings quiet …``."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.domain.quiet_hours import QuietHours
from messages.blocks import context
from messages.i18n import t
from messages.view_models import Reader


def changed(reader: Reader, window: QuietHours | None) -> dict[str, Any]:
    if window is None:
        return {"text": t(reader.locale, "quiet.cleared")}
    return {"text": t(reader.locale, "quiet.set", window=str(window), tz=reader.tz)}


def current(reader: Reader, window: QuietHours | None) -> dict[str, Any]:
    if window is None:
        return {"text": t(reader.locale, "quiet.none")}
    return {"text": t(reader.locale, "quiet.current", window=str(window), tz=reader.tz)}


def home_rows(reader: Reader, window: QuietHours | None) -> list[list[Block]]:
    """App Home's line about the reader's own quiet hours, and how to change them."""
    if window is None:
        return [[context(t(reader.locale, "quiet.home_none"))]]
    return [[context(t(reader.locale, "quiet.home_set", window=str(window), tz=reader.tz))]]
