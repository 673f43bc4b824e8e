"""Block Kit as HTML, the way the Slack client draws it.

Interactive elements carry data-* attributes (action id, block id, button value); the page script turns a
click or a change into one call of the driver. Inputs in a view are drawn with the value the view's state
holds, so a form refused with errors keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from bot.emulator.blocks import plain
from bot.emulator.view_state import options_of, state_key
from bot.emulator.web.mrkdwn import mrkdwn_html, plain_html


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str


@dataclass
class Draw:
    """What rendering needs besides the blocks: names, people to pick from, a view's state and errors."""

    name_of: Callable[[str], str]
    people: Sequence[Person] = ()
    state: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    optional_label: str = "optional"  # the client's word next to optional inputs, in the page's language


def text_html(obj: Any, draw: Draw) -> Markup:
    if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
        return mrkdwn_html(str(obj.get("text", "")), draw.name_of)
    return plain_html(plain(obj))


def _attrs(**values: Any) -> Markup:
    parts = [f'{k.replace("_", "-")}="{escape(v)}"' for k, v in values.items() if v is not None]
    return Markup(" ".join(parts))


def _confirm(element: dict[str, Any]) -> str | None:
    confirm = element.get("confirm")
    if not isinstance(confirm, dict):
        return None
    return "\n".join(p for p in (plain(confirm.get("title")), plain(confirm.get("text"))) if p)


def _data(element: dict[str, Any], block_id: str) -> Markup:
    return _attrs(
        data_action_id=element.get("action_id", ""),
        data_block_id=block_id,
        data_confirm=_confirm(element),
    )


def button_html(element: dict[str, Any], block_id: str, draw: Draw) -> Markup:
    style = element.get("style")
    css = f"bk-button bk-button-{style}" if style in ("primary", "danger") else "bk-button"
    label = text_html(element.get("text"), draw)
    if element.get("url"):
        return Markup(
            f'<a class="{css}" href="{escape(element["url"])}" target="_blank" rel="noopener">{label}</a>'
        )
    value = _attrs(data_value=element.get("value"))
    return Markup(
        f'<button type="button" class="{css} bk-act" {_data(element, block_id)} {value}>{label}</button>'
    )


def _option_tags(element: dict[str, Any], selected: set[str], draw: Draw) -> Markup:
    tags = []
    for option in options_of(element):
        value = str(option.get("value", ""))
        chosen = " selected" if value in selected else ""
        tags.append(f'<option value="{escape(value)}"{chosen}>{escape(plain(option.get("text")))}</option>')
    return Markup("".join(tags))


def _people_tags(selected: set[str], draw: Draw) -> Markup:
    return Markup(
        "".join(
            f'<option value="{escape(p.user_id)}"{" selected" if p.user_id in selected else ""}>'
            f"{escape(p.name)}</option>"
            for p in draw.people
        )
    )


def _current(element: dict[str, Any], block_id: str, draw: Draw) -> Any:
    """The element's value: the view state when it holds one, else the element's initial value."""
    key, _ = state_key(element)
    entry = draw.state.get(block_id, {}).get(str(element.get("action_id", "")))
    if entry is not None:
        return entry.get(key)
    initial = {
        "value": "initial_value",
        "rich_text_value": "initial_value",
        "selected_user": "initial_user",
        "selected_users": "initial_users",
        "selected_date": "initial_date",
        "selected_time": "initial_time",
        "selected_option": "initial_option",
        "selected_options": "initial_options",
        "selected_conversation": "initial_conversation",
        "selected_channel": "initial_channel",
        "selected_date_time": "initial_date_time",
    }.get(key, "")
    return element.get(initial)


def _selected_values(current: Any) -> set[str]:
    if current is None:
        return set()
    items = current if isinstance(current, list) else [current]
    return {str(i.get("value")) if isinstance(i, dict) else str(i) for i in items}


def _rich_value_text(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(
            "".join(str(e.get("text", "")) for e in section.get("elements", []))
            for section in value.get("elements", [])
        )
    return str(value or "")


def element_html(element: dict[str, Any], block_id: str, draw: Draw, *, in_input: bool = False) -> Markup:
    """One element. In an input block it is a form control (name = block id); elsewhere it acts at once."""
    kind = str(element.get("type"))
    if kind == "button":
        return button_html(element, block_id, draw)
    if kind == "image":
        return Markup(
            f'<img class="bk-inline-image" src="{escape(element.get("image_url", ""))}" '
            f'alt="{escape(element.get("alt_text", ""))}">'
        )
    if kind == "overflow":
        items = "".join(
            f'<button type="button" class="bk-act" {_data(element, block_id)} '
            f'data-pick="{escape(o.get("value", ""))}">{escape(plain(o.get("text")))}</button>'
            for o in options_of(element)
        )
        return Markup(
            f'<details class="bk-overflow"><summary>⋮</summary><div class="menu">{items}</div></details>'
        )
    if kind in ("plain_text", "mrkdwn"):
        return text_html(element, draw)
    try:
        current = _current(element, block_id, draw)
    except ValueError:
        return Markup(f'<span class="bk-unknown">[{escape(kind)}]</span>')
    # Outside an input block the element sends its value as soon as it changes (class bk-change).
    live = "" if in_input else " bk-change"
    common = Markup(f'name="{escape(block_id)}" data-kind="{escape(kind)}" {_data(element, block_id)}')
    placeholder = plain(element.get("placeholder"))
    if kind in ("plain_text_input", "rich_text_input", "email_text_input", "url_text_input", "number_input"):
        value = _rich_value_text(current) if kind == "rich_text_input" else str(current or "")
        if element.get("multiline") or kind == "rich_text_input":
            return Markup(
                f'<textarea class="bk-control{live}" {common} rows="4" '
                f'placeholder="{escape(placeholder)}">{escape(value)}</textarea>'
            )
        html_type = {"email_text_input": "email", "url_text_input": "url"}.get(kind, "text")
        if kind == "number_input":
            html_type = "number"
        return Markup(
            f'<input class="bk-control{live}" type="{html_type}" {common} value="{escape(value)}" '
            f'placeholder="{escape(placeholder)}">'
        )
    if kind in ("datepicker", "timepicker"):
        html_type = "date" if kind == "datepicker" else "time"
        return Markup(
            f'<input class="bk-control{live}" type="{html_type}" {common} value="{escape(current or "")}">'
        )
    if kind in ("checkboxes", "radio_buttons"):
        chosen = _selected_values(current)
        html_type = "checkbox" if kind == "checkboxes" else "radio"
        rows = []
        for option in options_of(element):
            value = str(option.get("value", ""))
            mark = " checked" if value in chosen else ""
            hint = option.get("description")
            rows.append(
                f'<label class="bk-choice"><input type="{html_type}" class="{live.strip()}" {common} '
                f'value="{escape(value)}"{mark}> <span>{text_html(option.get("text"), draw)}'
                + (f"<small>{text_html(hint, draw)}</small>" if hint else "")
                + "</span></label>"
            )
        return Markup(f'<div class="bk-choices" data-group="{escape(block_id)}">{"".join(rows)}</div>')
    multi = kind.startswith("multi_")
    chosen = _selected_values(current)
    if kind.endswith("users_select"):
        options = _people_tags(chosen, draw)
    elif kind.endswith(("static_select", "external_select")):
        options = _option_tags(element, chosen, draw)
    else:
        return Markup(f'<span class="bk-unknown">[{escape(kind)}]</span>')
    empty = "" if multi else f'<option value="">{escape(placeholder or "—")}</option>'
    return Markup(
        f'<select class="bk-control{live}" {common}{" multiple" if multi else ""}>{empty}{options}</select>'
    )


def _rich_inline(element: dict[str, Any], draw: Draw) -> str:
    kind = element.get("type")
    if kind == "user":
        return f'<span class="mention">@{escape(draw.name_of(str(element.get("user_id", ""))))}</span>'
    if kind == "channel":
        return f'<span class="mention">#{escape(draw.name_of(str(element.get("channel_id", ""))))}</span>'
    if kind == "link":
        label = escape(element.get("text") or element.get("url", ""))
        return f'<a href="{escape(element.get("url", ""))}" target="_blank" rel="noopener">{label}</a>'
    if kind == "emoji":
        code = str(element.get("unicode") or "")
        return str(
            escape("".join(chr(int(c, 16)) for c in code.split("-") if c) or f":{element.get('name')}:")
        )
    text = str(plain_html(str(element.get("text", ""))))
    style = element.get("style") or {}
    for flag, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
        if style.get(flag):
            text = f"<{tag}>{text}</{tag}>"
    return text


def rich_text_html(block: dict[str, Any], draw: Draw) -> Markup:
    out = []
    for part in block.get("elements", []):
        kind = part.get("type")
        inner = "".join(_rich_inline(e, draw) for e in part.get("elements", []))
        if kind == "rich_text_list":
            tag = "ol" if part.get("style") == "ordered" else "ul"
            items = "".join(
                "<li>" + "".join(_rich_inline(e, draw) for e in item.get("elements", [])) + "</li>"
                for item in part.get("elements", [])
            )
            out.append(f"<{tag}>{items}</{tag}>")
        elif kind == "rich_text_quote":
            out.append(f"<blockquote>{inner}</blockquote>")
        elif kind == "rich_text_preformatted":
            out.append(f"<pre>{inner}</pre>")
        else:
            out.append(f"<div>{inner}</div>")
    return Markup(f'<div class="bk-rich">{"".join(out)}</div>')


def _input_html(block: dict[str, Any], draw: Draw) -> Markup:
    block_id = str(block.get("block_id", ""))
    element = block.get("element") or {}
    optional = (
        f' <span class="optional">({escape(draw.optional_label)})</span>' if block.get("optional") else ""
    )
    hint = block.get("hint")
    error = draw.errors.get(block_id)
    return Markup(
        f'<div class="bk-input{" has-error" if error else ""}" data-block-id="{escape(block_id)}">'
        f'<label class="bk-label">{text_html(block.get("label"), draw)}{optional}</label>'
        f"{element_html(element, block_id, draw, in_input=True)}"
        + (f'<div class="bk-hint">{text_html(hint, draw)}</div>' if hint else "")
        + (f'<div class="bk-error" role="alert">{escape(error)}</div>' if error else "")
        + "</div>"
    )


def block_html(block: dict[str, Any], draw: Draw) -> Markup:
    kind = block.get("type")
    block_id = str(block.get("block_id", ""))
    if kind == "header":
        return Markup(f'<div class="bk-header">{text_html(block.get("text"), draw)}</div>')
    if kind == "divider":
        return Markup('<hr class="bk-divider">')
    if kind == "section":
        body = f'<div class="bk-text">{text_html(block["text"], draw)}</div>' if block.get("text") else ""
        if block.get("fields"):
            cells = "".join(f'<div class="bk-field">{text_html(f, draw)}</div>' for f in block["fields"])
            body += f'<div class="bk-fields">{cells}</div>'
        accessory = block.get("accessory")
        side = (
            f'<div class="bk-accessory">{element_html(accessory, block_id, draw)}</div>'
            if isinstance(accessory, dict)
            else ""
        )
        return Markup(f'<div class="bk-section"><div class="bk-main">{body}</div>{side}</div>')
    if kind == "context":
        parts = "".join(f"<span>{element_html(e, block_id, draw)}</span>" for e in block.get("elements", []))
        return Markup(f'<div class="bk-context">{parts}</div>')
    if kind == "actions":
        parts = "".join(str(element_html(e, block_id, draw)) for e in block.get("elements", []))
        return Markup(f'<div class="bk-actions">{parts}</div>')
    if kind == "image":
        title = (
            f'<div class="bk-image-title">{text_html(block["title"], draw)}</div>'
            if block.get("title")
            else ""
        )
        return Markup(
            f'<figure class="bk-image">{title}<img src="{escape(block.get("image_url", ""))}" '
            f'alt="{escape(block.get("alt_text", ""))}"></figure>'
        )
    if kind == "rich_text":
        return rich_text_html(block, draw)
    if kind == "input":
        return _input_html(block, draw)
    return Markup(f'<div class="bk-unknown">[{escape(kind)}]</div>')


def blocks_html(blocks: Sequence[dict[str, Any]], draw: Draw) -> Markup:
    return Markup("".join(str(block_html(b, draw)) for b in blocks))
