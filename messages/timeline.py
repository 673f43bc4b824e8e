"""What was said, readable while the item is open: each timeline entry of ``/duban show`` carries its
text (thread notes, reports, return reasons, extension reasons, call summaries, answers to the
written notice, instructions), clipped, with a "more" button that opens the whole in a modal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import PlainTextObject
from slack_sdk.models.views import View

from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item
from messages.blocks import actions, button, context, section
from messages.i18n import format_datetime, t, tp
from messages.text import Mrkdwn, clip, escape
from messages.view_models import Reader

TIMELINE_MORE = "timeline_more"  # value "<item id>:<event seq>"
EXCERPT = 140  # characters of an entry's text shown in the timeline
MORE_BUTTONS = 5  # the latest clipped entries get a "more" button (one actions block)
EVIDENCE_SHOWN = 10  # files of one 佐证材料 entry listed as links; the rest behind "more"
EVIDENCE_CHARS = 1500  # and no more mrkdwn than this for them
_SECTION = 2900

_REPORT_KINDS = (EventKind.PROGRESS_REPORTED, EventKind.FINAL_REPORTED, EventKind.THREAD_NOTE)
_PAYLOAD_TEXT = {
    EventKind.RETURNED: "reasons",
    EventKind.EXTENSION_REQUESTED: "reason",
    EventKind.EXTENSION_DECIDED: "note",
    EventKind.CALL_LOGGED: "note",
    EventKind.URGE_ANSWERED: "note",
    EventKind.INSTRUCTED: "text",
    EventKind.URGED: "note",
    EventKind.PROPOSAL_REJECTED: "reason",
    EventKind.MEETING_HELD: "minutes",
}


def event_text(loc: str, event: ItemEvent, reports: Mapping[int, Mapping[str, Any]]) -> str:
    """The whole text an entry stands for ('' when it has none), as plain text (not yet escaped)."""
    payload = event.payload
    if event.kind in _REPORT_KINDS:
        report = reports.get(int(payload.get("report_id") or 0))
        if report is None:
            return str(payload.get("text") or "")
        if event.kind is EventKind.THREAD_NOTE:
            return str(report.get("done") or payload.get("text") or "")
        parts = [
            (t(loc, f"regs.part_{name}"), str(report.get(name) or "").strip())
            for name in ("done", "problems", "next_steps")
        ]
        return "\n".join(f"{label}{text}" for label, text in parts if text)
    if event.kind is EventKind.EVIDENCE_ATTACHED:  # 佐证材料: each file's name and link
        return "\n".join(f"{f.get('name', '')} {f.get('permalink', '')}" for f in payload.get("files", []))
    key = _PAYLOAD_TEXT.get(event.kind)
    text = str(payload.get(key) or "") if key else ""
    if event.kind is EventKind.URGE_ANSWERED and "\n---\n" in text:  # the written notice's answer
        reason, progress = text.split("\n---\n", 1)
        text = f"{t(loc, 'regs.part_reason')}{reason}\n{t(loc, 'regs.part_progress')}{progress}"
    return text.strip()


def with_excerpt(line: str, text: str) -> tuple[str, bool]:
    """The timeline line with its text quoted below it, clipped; True when something was cut."""
    if not text:
        return line, False
    short = clip(" ".join(text.split()), EXCERPT)
    return f"{line}\n>{escape(short)}", short != " ".join(text.split())


def _file_link(entry: Mapping[str, Any]) -> str:
    """One file as a mrkdwn link named by the file (a link Slack's <url|name> cannot hold is shown)."""
    name, url = escape(entry.get("name") or ""), str(entry.get("permalink") or "")
    if url.startswith("https://") and not any(c in url for c in "<>| \n"):
        return f"<{url}|{name or escape(url)}>"
    return f"{name} {escape(url)}".strip()


def with_files(line: str, files: Any) -> tuple[str, bool]:
    """A 佐证材料 entry: each file on its own line, by name, linked; True when some are left for "more"."""
    entries = [f for f in files if isinstance(f, Mapping)] if isinstance(files, list) else []
    lines: list[str] = [line]
    for entry in entries[:EVIDENCE_SHOWN]:
        link = f">• {_file_link(entry)}"
        if len(lines) > 1 and sum(map(len, lines)) + len(link) > EVIDENCE_CHARS:
            break
        lines.append(link)
    return "\n".join(lines), len(lines) - 1 < len(entries)


def entry_with_text(line: str, event: ItemEvent, text: str) -> tuple[str, bool]:
    """A timeline line with what it stands for below it: files as links, any other text quoted, clipped."""
    if event.kind is EventKind.EVIDENCE_ATTACHED:
        return with_files(line, event.payload.get("files"))
    return with_excerpt(line, text)


def more_buttons(reader: Reader, item: Item, events: list[ItemEvent]) -> list[Any]:
    """One actions block: "more" for the latest clipped entries (newest first)."""
    if not events:
        return []
    loc = reader.locale
    buttons = [
        button(
            tp(loc, "regs.more", at=format_datetime(e.at, loc, reader.tz)),
            TIMELINE_MORE,
            f"{item.id}:{e.seq}",
        )
        for e in reversed(events[-MORE_BUTTONS:])
    ]
    return [actions(*buttons, block_id=f"timeline:{item.id}")]


def text_modal(reader: Reader, item: Item, event: ItemEvent, text: str, line: str) -> dict[str, Any]:
    """The whole text of one timeline entry."""
    loc = reader.locale
    body = escape(text)
    chunks = [body[i : i + _SECTION] for i in range(0, len(body), _SECTION)] or [""]
    blocks = [context(line), *(section(chunk) for chunk in chunks[:95])]
    return View(
        type="modal",
        title=PlainTextObject(text=tp(loc, "regs.more_title", number=str(item.number))[:24]),
        close=PlainTextObject(text=tp(loc, "regs.close")[:24]),
        blocks=blocks,
    ).to_dict()


def parent_line(loc: str, number: str, title: str | None) -> str:
    """A sub-item's card names the item it belongs to (the title only when the reader may see it)."""
    if title is None:
        return t(loc, "regs.parent_hidden", number=number)
    return t(loc, "regs.parent", number=number, title=Mrkdwn(escape(title)))
