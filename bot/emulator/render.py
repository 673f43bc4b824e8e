"""Messages, modals and App Home as plain terminal text, with numbered things to press."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.blocks import plain
from bot.emulator.models import Message, View
from bot.emulator.view_state import display_value, options_of, state_key

NameOf = Callable[[str], str]
RULE = "─" * 40

_LINK = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True)
class Pressable:
    """Something a console user can press by number: a button, or one option of an overflow/select."""

    action_id: str
    block_id: str
    label: str
    button_value: str | None = None
    pick: str | None = None  # the option value chosen, for overflow menus and selects


@dataclass
class Rendered:
    text: str
    pressables: list[Pressable] = field(default_factory=list)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def mrkdwn(text: str, name_of: NameOf) -> str:
    """Slack markup to readable text: mentions by name, links with labels, entities unescaped."""

    def link(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + name_of(target[1:])
        if target.startswith("#"):
            return "#" + (label or name_of(target[1:]))  # Slack shows the channel's name, never its id
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!date^"):
            return label or target
        if target.startswith("!"):
            return "@" + target[1:]
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_LINK.sub(link, text))


def _element_line(element: dict[str, Any], block_id: str, out: list[Pressable], start: int) -> str:
    """One element as text; pressables are appended to `out` and numbered from `start`."""
    kind = element.get("type")
    action_id = str(element.get("action_id", ""))
    if kind == "button":
        out.append(
            Pressable(action_id, block_id, plain(element.get("text")), button_value=element.get("value"))
        )
        mark = {"primary": "*", "danger": "!"}.get(str(element.get("style")), "")
        return f"[{start + len(out) - 1}] {plain(element.get('text'))}{mark}"
    if kind in ("overflow", "static_select", "radio_buttons"):
        parts = []
        for opt in options_of(element):
            out.append(Pressable(action_id, block_id, plain(opt.get("text")), pick=str(opt.get("value"))))
            parts.append(f"[{start + len(out) - 1}] {plain(opt.get('text'))}")
        prefix = "⋯" if kind == "overflow" else f"▾ {plain(element.get('placeholder')) or 'choose'}:"
        return f"{prefix} " + "  ".join(parts)
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    return f"({kind}{': ' + plain(element.get('placeholder')) if element.get('placeholder') else ''})"


def render_blocks(
    blocks: list[dict[str, Any]],
    name_of: NameOf,
    *,
    start: int = 1,
    values: dict[str, dict[str, dict[str, Any]]] | None = None,
    errors: dict[str, str] | None = None,
) -> Rendered:
    lines: list[str] = []
    pressables: list[Pressable] = []
    for block in blocks:
        kind = block.get("type")
        block_id = str(block.get("block_id", ""))
        if kind == "header":
            lines.append(f"== {plain(block.get('text'))} ==")
        elif kind == "divider":
            lines.append(RULE)
        elif kind == "section":
            if block.get("text"):
                lines.extend(mrkdwn(plain(block["text"]), name_of).splitlines())
            for f in block.get("fields", []):
                lines.append("  " + " ".join(mrkdwn(plain(f), name_of).splitlines()))
            if isinstance(block.get("accessory"), dict):
                lines.append("  " + _element_line(block["accessory"], block_id, pressables, start))
        elif kind == "context":
            bits = [
                mrkdwn(plain(e), name_of) if e.get("type") != "image" else f"[{e.get('alt_text', 'image')}]"
                for e in block.get("elements", [])
            ]
            lines.append("  · " + " · ".join(bits))
        elif kind == "actions":
            parts = [_element_line(e, block_id, pressables, start) for e in block.get("elements", [])]
            lines.append("  ".join(parts))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "input":
            lines.extend(_input_lines(block, name_of, values or {}, errors or {}))
        elif kind == "rich_text":
            lines.append(_rich_text(block))
    return Rendered("\n".join(lines), pressables)


def _rich_text(block: dict[str, Any]) -> str:
    out = []
    for section in block.get("elements", []):
        out.append("".join(str(e.get("text") or e.get("url") or "") for e in section.get("elements", [])))
    return "\n".join(out)


def input_summary(
    block: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]], name_of: NameOf
) -> tuple[str, str, str, list[str], str]:
    """(label, element type, hint, option labels, current value) of one input block."""
    element = block.get("element") or {}
    entry = values.get(str(block.get("block_id")), {}).get(str(element.get("action_id", "")))
    options = [f"{plain(o.get('text'))} ({o.get('value')})" for o in options_of(element)]
    return (
        plain(block.get("label")),
        str(element.get("type")),
        plain(block.get("hint")),
        options,
        display_value(entry, name_of),
    )


def _input_lines(
    block: dict[str, Any],
    name_of: NameOf,
    values: dict[str, dict[str, dict[str, Any]]],
    errors: dict[str, str],
) -> list[str]:
    label, kind, hint, options, current = input_summary(block, values, name_of)
    required = "" if block.get("optional") else "*"
    lines = [f"▸ {label}{required} ({kind}) = {current or '—'}"]
    if hint:
        lines.append(f"    hint: {hint}")
    if options:
        lines.append("    options: " + " / ".join(options))
    error = errors.get(str(block.get("block_id")))
    if error:
        lines.append(f"    ⚠ {error}")
    return lines


def render_message(msg: Message, name_of: NameOf, *, number: int | None = None, start: int = 1) -> Rendered:
    who = name_of(msg.user)
    flags = []
    if msg.is_ephemeral:
        flags.append("only visible to you")
    if msg.is_reply:
        flags.append("in thread")
    if msg.reply_count:
        flags.append(f"{msg.reply_count} replies")
    if msg.edited or msg.version:
        flags.append("edited")
    head = f"{f'#{number} ' if number is not None else ''}{who}" + (
        f"  ({', '.join(flags)})" if flags else ""
    )
    body = render_blocks(msg.blocks, name_of, start=start)
    lines = [head]
    if not msg.blocks and msg.text:
        lines.extend(mrkdwn(msg.text, name_of).splitlines())
    if body.text:
        lines.append(body.text)
    pressables = list(body.pressables)
    for att in msg.attachments:
        inner = render_blocks(att.get("blocks", []), name_of, start=start + len(pressables))
        pressables += inner.pressables
        text = "\n".join(p for p in (mrkdwn(str(att.get("text", "")), name_of), inner.text) if p)
        lines.extend("│ " + line for line in text.splitlines())
    for f in msg.files:
        lines.append(f"📎 {f.get('name')} ({f.get('title')}, {f.get('size')} bytes)")
    if msg.reactions:
        lines.append("  " + " ".join(f":{n}: {len(u)}" for n, u in msg.reactions.items()))
    flat = "\n".join(lines).splitlines()
    return Rendered("\n".join("  " + line if i else line for i, line in enumerate(flat)), pressables)


def render_view(
    view: View, name_of: NameOf, *, start: int = 1, errors: dict[str, str] | None = None
) -> Rendered:
    title = plain(view.title) if view.type == "modal" else "App Home"
    head = f"┌ {title}  [{view.type}{' ' + view.callback_id if view.callback_id else ''}]"
    body = render_blocks(view.blocks, name_of, start=start, values=view.state_values, errors=errors)
    lines = [head, *("│ " + line for line in body.text.splitlines())]
    if errors and errors.get(""):
        lines.append(f"│ ⚠ {errors['']}")
    if view.type == "modal":
        buttons = [f"[{plain(view.submit)}]" if view.submit else "", f"[{plain(view.close) or 'Cancel'}]"]
        lines.append("└ " + " ".join(b for b in buttons if b))
    else:
        lines.append("└")
    return Rendered("\n".join(lines), body.pressables)


def element_format(element: dict[str, Any]) -> str:
    """How to type a value for this element at the console prompt."""
    kind = str(element.get("type"))
    if kind in ("users_select", "multi_users_select"):
        return "@name or user id" + (", several separated by commas" if kind.startswith("multi") else "")
    if kind.endswith(("conversations_select", "channels_select")):
        return "#channel or id"
    if kind == "datepicker":
        return "YYYY-MM-DD or MM-DD"
    if kind == "timepicker":
        return "HH:MM"
    if kind == "number_input":
        return "a number"
    if kind == "file_input":
        return "file names, several separated by commas"
    if state_key(element)[0] in ("selected_option", "selected_options"):
        many = state_key(element)[1]
        return "option number or value" + (", several separated by commas" if many else "")
    return "text"
