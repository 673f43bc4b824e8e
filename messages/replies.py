"""Replies to the person who acted: confirmations, refusals, lists, the item card and its timeline."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from bot.domain.errors import DomainError
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item
from messages import calendar as calendar_messages
from messages import corrections as correction_messages
from messages import reports as report_messages
from messages import timeline as timeline_messages
from messages.blocks import actions, button, context, divider, fields, header, message, section
from messages.i18n import format_date, format_datetime, has, render, t, tp
from messages.notices import OPEN, REPORT, deadline_for, owners_line
from messages.progress import progress_blocks
from messages.text import Mrkdwn, clip, escape, mention
from messages.view_models import ItemDetail, Reader

TIMELINE_LIMIT = 40
_MENTION = re.compile(r"<@[UW][A-Z0-9]+>")


def error_text(locale: str, error: DomainError) -> str:
    """A refusal in the reader's language, saying what to fix."""
    params: dict[str, Any] = dict(error.params)
    for name, value in params.items():
        if isinstance(value, str) and _MENTION.fullmatch(value):
            params[name] = Mrkdwn(value)  # a mention the parser kept as typed: let Slack render the name
    if "roles" in params:
        joiner = t(locale, "role_group.joiner")
        params["roles"] = Mrkdwn(joiner.join(t(locale, f"role_group.{r}") for r in params["roles"]))
    if error.code == "not_allowed" and "action" in params:
        params["action"] = Mrkdwn(t(locale, f"actions.{params['action']}"))
    if error.code == "illegal_transition":
        params["state"] = Mrkdwn(t(locale, f"state.{params['state']}"))
        params["action"] = Mrkdwn(t(locale, f"transition.{params['action']}"))
    if error.code.startswith("correction_") and "action" in params:  # 撤销 / 修改 / 改派
        params["action"] = Mrkdwn(t(locale, f"fix.verb_{params['action']}"))
    if error.code == "extension_decided":  # the status word ("approved", "refused") in the reader's language
        params["status"] = t(locale, f"urge_reply.{params['status']}_word")
    if error.code == "reassign_not_owner":
        params["role"] = Mrkdwn(t(locale, f"owner_role.{params['role']}"))
    key = f"error.{error.code}"
    if not has(locale, key):
        return t(locale, "error.internal", ref=error.code)
    return ":warning: " + t(locale, key, **params)


def plain_reply(text: str) -> dict[str, Any]:
    return {"text": clip(text, 3000)}


def help_message(locale: str, today: date) -> dict[str, Any]:
    text = render(locale, "help", year=today.year)
    return message(text.splitlines()[0], [section(chunk) for chunk in _chunks(text, 2900)])


def _chunks(text: str, size: int) -> Iterable[str]:
    lines, current = text.splitlines(), ""
    for line in lines:
        if len(current) + len(line) + 1 > size:
            yield current
            current = ""
        current += line + "\n"
    if current:
        yield current


def title_for(item: Item, reader: Reader) -> str:
    """Confidential titles are shown only to those allowed to see them."""
    if item.confidential and not (reader.can_see_confidential or item.involves(reader.user_id)):
        return t(reader.locale, "list.confidential_title")
    prefix = ":lock: " if item.confidential else ""
    return Mrkdwn(prefix + escape(item.title))


LIST_NEXT = "list_next"  # the "next 30" button; its value says which list and where the page starts


def item_list(
    reader: Reader,
    details: list[ItemDetail],
    *,
    total: int,
    scope: str,
    subject: str | None,
    offset: int = 0,
    filter_text: str = "",
    next_value: str | None = None,
) -> dict[str, Any]:
    loc = reader.locale
    heading = (
        tp(loc, f"list.header_{scope}", who=subject or "")
        if scope != "user"
        else tp(loc, "list.header_user", who=subject or "")
    )
    blocks: list[Any] = [header(heading)]
    if not details:
        blocks.append(section(t(loc, "list.empty")))
    for detail in details[:40]:
        item = detail.item
        line = t(
            loc,
            "list.line",
            number=str(item.number),
            title=title_for(item, reader),
            state=t(loc, f"state.{item.state}"),
            due=format_date(item.current_due, loc),
            overdue_days=detail.overdue_days,
            lead=mention(item.lead.user_id),
        )
        blocks.append(_with_open_button(line, item, loc))
    if filter_text:
        blocks.insert(1, context(t(loc, "listing.filter", words=filter_text)))
    if next_value is not None or offset:
        first, last = (offset + 1, offset + len(details)) if details else (0, 0)
        blocks.append(context(t(loc, "listing.range", first=first, last=last, total=total)))
        if next_value is not None:
            blocks.append(
                actions(button(tp(loc, "listing.next", count=min(30, total - last)), LIST_NEXT, next_value))
            )
    elif total > len(details):
        blocks.append(context(t(loc, "list.more", shown=len(details), total=total)))
    return message(heading, blocks)


def _with_open_button(text: str, item: Item, loc: str) -> Any:
    from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, 3000)),
        accessory=button(tp(loc, "button.open"), OPEN, str(item.id)),
    )


def _register_line(loc: str, item: Item) -> str:
    parts = [
        t(loc, f"register.{key}_label") + " " + escape(value)
        for key, value in (
            ("received", format_date(item.received_on, loc) if item.received_on else ""),
            ("doc_number", item.doc_number),
            ("basis", item.basis),
        )
        if value
    ]
    return " · ".join(parts)


def item_card(reader: Reader, detail: ItemDetail, org_tz: str) -> dict[str, Any]:
    item, loc = detail.item, reader.locale
    number = str(item.number)
    lead, co = owners_line(item)
    due = deadline_for(item, reader, org_tz)
    if item.original_due != item.current_due:
        due = t(loc, "show.original_due", current=Mrkdwn(due), original=format_date(item.original_due, loc))
    blocks: list[Any] = [
        header(tp(loc, "show.header", number=number, state=tp(loc, f"state.{item.state}"))),
        section(title_for(item, reader)),
    ]
    if detail.parent is not None:  # a sub-item names the item it belongs to
        blocks.append(context(timeline_messages.parent_line(loc, *detail.parent)))
    if item.requirements:
        blocks.append(section(t(loc, "notice.requirements") + "\n" + escape(item.requirements)))
    if register := _register_line(loc, item):  # 收文日期 · 文号 · 立项依据
        blocks.append(context(register))
    state_text = t(loc, f"state.{item.state}")
    if detail.overdue_days:
        # The light is labelled: ":red_circle: 逾期 3 天", never a bare number.
        state_text += " · :red_circle: " + t(loc, "bulletin.status_overdue", days=detail.overdue_days)
    blocks.append(
        fields(
            t(loc, "notice.lead") + "\n" + lead,
            t(loc, "notice.co") + "\n" + (co or t(loc, "notice.none")),
            t(loc, "notice.due") + "\n" + due,
            t(loc, "show.fields_state") + "\n" + state_text,
            t(loc, "notice.source") + "\n" + t(loc, f"source.{item.source.value}"),
            t(loc, "notice.assigned_by") + "\n" + mention(item.assigner_id),
        )
    )
    if item.confidential:
        blocks.append(context(t(loc, "notice.confidential")))
    blocks += progress_blocks(reader, detail)
    blocks.append(divider())
    text, clipped = timeline_with_texts(reader, detail)
    blocks.append(section(t(loc, "show.timeline") + "\n" + text))
    blocks += timeline_messages.more_buttons(reader, item, clipped)
    if item.owner(reader.user_id) and not item.fyi:
        blocks.append(actions(button(tp(loc, "button.report"), REPORT, str(item.id))))
    return message(f"{number} {item.title}", blocks)


# Kept in the dossier, left out of the working timeline: a notice per owner at the moment of issue
# repeats the "issued to …" line beside it and would push the entries people act on out of view.
_DOSSIER_ONLY = frozenset({EventKind.NOTICE_SENT})


def _worth_showing(events: list[ItemEvent]) -> list[ItemEvent]:
    return [e for e in events if e.kind not in _DOSSIER_ONLY]


def timeline(reader: Reader, events: list[ItemEvent]) -> str:
    loc = reader.locale
    events = _worth_showing(events)
    if not events:
        return t(loc, "show.no_events")
    shown = events[-TIMELINE_LIMIT:]
    lines = [event_line(reader, e) for e in shown]
    text = "\n".join(lines)
    return clip(text, 2800)


def timeline_with_texts(reader: Reader, detail: ItemDetail) -> tuple[str, list[ItemEvent]]:
    """The timeline with each entry's text quoted (clipped), and the entries whose text was cut."""
    loc = reader.locale
    events = _worth_showing(detail.events)
    if not events:
        return t(loc, "show.no_events"), []
    lines, clipped = [], []
    for event in events[-TIMELINE_LIMIT:]:
        text = timeline_messages.event_text(loc, event, detail.reports)
        line, cut = timeline_messages.entry_with_text(event_line(reader, event), event, text)
        lines.append(line)
        if cut:
            clipped.append(event)
    # Newest entries are kept when the section would overflow.
    while len("\n".join(lines)) > 2800 and len(lines) > 1:
        lines.pop(0)
    return clip("\n".join(lines), 2800), clipped


def _detail(loc: str, payload: dict[str, Any]) -> str:
    """An urging's rung in the reader's language (the payload stores the rung's code)."""
    rung = payload.get("rung")
    mode = payload.get("mode") or ("phone" if rung == "call" else None)  # an urging logged by hand
    if mode and has(loc, f"urge_mode.{mode}"):
        return Mrkdwn(t(loc, f"urge_mode.{mode}"))
    if rung and has(loc, f"rung.{rung}"):
        return Mrkdwn(t(loc, f"rung.{rung}"))
    return str(payload.get("detail", ""))


def event_line(reader: Reader, event: ItemEvent) -> str:
    loc = reader.locale
    payload = event.payload
    params: dict[str, Any] = {
        "actor": mention(event.actor_id) if event.actor_id else "Duban",
        "owners": Mrkdwn(", ".join(mention(u) for u in payload.get("owners", []))),
        "who": mention(payload["user"]) if payload.get("user") else "",
        "old": Mrkdwn(t(loc, f"state.{payload['old']}")) if payload.get("old") else "",
        "new": Mrkdwn(t(loc, f"state.{payload['new']}")) if payload.get("new") else "",
        "detail": _detail(loc, payload),
        "error": payload.get("error", ""),
        **correction_messages.event_params(loc, payload),
    }
    text = t(loc, f"event.{event.kind.value}", **params)
    return t(loc, "event.line", at=format_datetime(event.at, loc, reader.tz), text=Mrkdwn(text))


def assigned(reader: Reader, result: Any) -> dict[str, Any]:
    """Confirmation for the assigner (result: bot.services.assign.AssignResult)."""
    loc, item = reader.locale, result.item
    if not result.created:
        return plain_reply(t(loc, "reply.assigned_again", number=str(item.number)))
    if item.state == "pending_approval":  # 拟办呈批: sent to the leaders, not issued yet
        return report_messages.proposed(reader, item)
    text = t(
        loc,
        "reply.assigned",
        number=str(item.number),
        title=item.title,
        due=format_date(item.current_due, loc),
        owners=Mrkdwn(", ".join(mention(p.user_id) for p in result.owners)),
    )
    blocks: list[Any] = [_with_open_button(text, item, loc)]
    blocks.extend(calendar_messages.note_blocks(loc, result.warnings))
    return message(text, blocks)


def acknowledged(reader: Reader, result: Any) -> dict[str, Any]:
    loc, item = reader.locale, result.item
    if result.already:
        text = t(
            loc,
            "reply.already_acknowledged",
            number=str(item.number),
            at=format_datetime(result.at, loc, reader.tz),
        )
    else:
        text = t(loc, "reply.acknowledged", number=str(item.number), state=t(loc, f"state.{item.state}"))
    return plain_reply(text)


def delivery_failed(locale: str, *, number: str | None, recipient: str | None, error: str) -> dict[str, Any]:
    text = t(
        locale,
        "reply.delivery_failed",
        number=number or "-",
        who=mention(recipient) if recipient else "-",
        error=error,
    )
    return plain_reply(text)
