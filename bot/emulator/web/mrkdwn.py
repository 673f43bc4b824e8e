"""Slack's mrkdwn as safe HTML: escaping first, then links, mentions and the few inline styles."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markupsafe import Markup, escape

NameOf = Callable[[str], str]

_ANGLE = re.compile(r"<([^<>]+)>")  # in the raw text: literal < > arrive escaped
_CODE_BLOCK = re.compile(r"```(.+?)```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
# Slack styles only when the marker touches a word boundary, so 1*2*3 stays as typed.
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
_QUOTE = re.compile(r"^&gt; ?(.*)$", re.M)
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
# The shortcodes Duban's messages use, drawn as Slack draws them; unknown ones stay as typed.
EMOJI = {
    "white_check_mark": "✅",
    "red_circle": "🔴",
    "warning": "⚠️",
    "lock": "🔒",
    "large_yellow_circle": "🟡",
    "large_green_circle": "🟢",
    "large_blue_circle": "🔵",
    "white_circle": "⚪",
    "x": "❌",
    "leftwards_arrow_with_hook": "↩️",
    "file_cabinet": "🗄️",
    "bookmark_tabs": "📑",
    "alarm_clock": "⏰",
    "tada": "🎉",
    "rotating_light": "🚨",
    "memo": "📝",
    "inbox_tray": "📥",
    "hourglass_flowing_sand": "⏳",
    "hourglass": "⌛",
    "eyes": "👀",
    "bar_chart": "📊",
    "telephone_receiver": "📞",
    "bell": "🔔",
    "pushpin": "📌",
    "calendar": "📆",
    "heavy_check_mark": "✔️",
    "arrow_right": "➡️",
    "point_right": "👉",
    "bulb": "💡",
    "clipboard": "📋",
    "page_facing_up": "📄",
    "speech_balloon": "💬",
}


def emoji(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def _link(name_of: NameOf) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return f'<span class="mention">@{escape(name_of(target[1:]))}</span>'
        shown = escape(html.unescape(label or target))
        if target.startswith("#"):
            return f'<span class="mention">#{escape(html.unescape(label) or name_of(target[1:]))}</span>'
        if target.startswith("!date^"):
            return str(shown)
        if target.startswith("!"):
            return f'<span class="mention">@{escape(label or target[1:].split("^")[0])}</span>'
        url = html.unescape(target)
        if not url.startswith(("http://", "https://", "mailto:")):
            return str(escape(html.unescape(match.group(0))))
        return f'<a href="{escape(url)}" target="_blank" rel="noopener">{shown}</a>'

    return replace


def mrkdwn_html(text: str, name_of: NameOf) -> Markup:
    """Render mrkdwn text. The input is escaped before any markup is added, so bot text can't inject HTML.

    Slack text carries &amp; &lt; &gt; escaped and <…> as markup: links are taken out first (as
    placeholders), the rest is unescaped then escaped once for HTML, then styles apply around both.
    """
    links: list[str] = []
    render_link = _link(name_of)

    def stash_link(match: re.Match[str]) -> str:
        links.append(render_link(match))
        return f"\x01{len(links) - 1}\x01"

    safe = str(escape(html.unescape(_ANGLE.sub(stash_link, text))))
    blocks: list[str] = []

    def stash(match: re.Match[str]) -> str:
        blocks.append(match.group(1).strip("\n"))
        return f"\x00{len(blocks) - 1}\x00"

    safe = _CODE_BLOCK.sub(stash, safe)
    safe = _CODE.sub(r"<code>\1</code>", safe)
    safe = _BOLD.sub(r"<b>\1</b>", safe)
    safe = _ITALIC.sub(r"<i>\1</i>", safe)
    safe = _STRIKE.sub(r"<s>\1</s>", safe)
    safe = _QUOTE.sub(r'<span class="quote">\1</span>', safe)
    safe = emoji(safe)
    safe = safe.replace("\n", "<br>")
    for index, code in enumerate(blocks):
        safe = safe.replace(f"\x00{index}\x00", f"<pre>{code}</pre>")
    for index, link in enumerate(links):
        safe = safe.replace(f"\x01{index}\x01", link)
    return Markup(safe)


def plain_html(text: str) -> Markup:
    """plain_text objects: shown as typed, only escaped."""
    return Markup(emoji(str(escape(html.unescape(text)))).replace("\n", "<br>"))
