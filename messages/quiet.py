"""Quiet hours (免打扰时段): the answers to ``/duban settings quiet …``."""

from __future__ import annotations

from typing import Any

from bot.domain.quiet_hours import QuietHours
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
