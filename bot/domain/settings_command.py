"""``/duban settings``: a person's own settings. ``settings quiet 22:00-08:00`` / ``设置 免打扰 22:00-08:00``
sets their quiet hours (``off`` / ``关闭`` clears them); ``settings`` alone shows them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.commands import _excerpt, _Parser
from bot.domain.errors import ParseError
from bot.domain.quiet_hours import QuietHours, parse_quiet


@dataclass(frozen=True, slots=True)
class QuietSetting:
    window: QuietHours | None = None
    show: bool = False  # only show the current settings


SETTINGS_SUBCOMMANDS: dict[str, str] = {"settings": "settings", "setting": "settings", "设置": "settings"}
_QUIET_WORDS = frozenset({"quiet", "免打扰", "勿扰", "静音"})


def _settings(p: _Parser, word: str) -> QuietSetting:
    token = p.take()
    if token is None:
        return QuietSetting(show=True)
    if token.norm not in _QUIET_WORDS:
        raise ParseError("bad_setting", text=_excerpt(token.text))
    text = p.rest()
    if not text:
        return QuietSetting(show=True)
    p.i = len(p.tokens)
    return QuietSetting(window=parse_quiet(text))


SETTINGS_HANDLERS = {"settings": _settings}
