"""The supervision notice (督查通知单) and the FYI transfer (转办单) sent to each owner."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.items import Item
from messages.blocks import actions, button, context, divider, fields, header, message, section
from messages.i18n import format_date, format_datetime, t, tp
from messages.text import escape, mention
from messages.view_models import Reader

# Deadlines are dates in the organisation's timezone; the day ends with the working day.
DEADLINE_TIME = time(18, 0)

ACK = "item_ack"
REPORT = "item_report"
EXTEND = "item_extend"
OPEN = "item_open"


def deadline_for(item: Item, reader: Reader, org_tz: str) -> str:
    loc = reader.locale
    text = format_date(item.current_due, loc)
    if reader.tz and reader.tz != org_tz:
        end = datetime.combine(item.current_due, DEADLINE_TIME, tzinfo=ZoneInfo(org_tz))
        return t(loc, "notice.due_local", date=text, local=format_datetime(end, loc, reader.tz))
    return text


def owners_line(item: Item) -> tuple[str, str]:
    lead = mention(item.lead.user_id)
    co = ", ".join(mention(o.user_id) for o in item.co_owners)
    return lead, co


def notice(item: Item, reader: Reader, org_tz: str) -> dict[str, Any]:
    loc = reader.locale
    number = str(item.number)
    lead, co = owners_line(item)
    due = deadline_for(item, reader, org_tz)
    blocks = [
        header(tp(loc, "notice.fyi_header" if item.fyi else "notice.header", number=number)),
        section(
            t(loc, "notice.fyi_intro" if item.fyi else "notice.intro", assigner=mention(item.assigner_id))
        ),
        section(t(loc, "notice.title") + "\n" + escape(item.title)),
    ]
    if item.requirements:
        blocks.append(section(t(loc, "notice.requirements") + "\n" + escape(item.requirements)))
    blocks.append(
        fields(
            t(loc, "notice.lead") + "\n" + lead,
            t(loc, "notice.co") + "\n" + (co or t(loc, "notice.none")),
            t(loc, "notice.due") + "\n" + due,
            t(loc, "notice.source") + "\n" + t(loc, f"source.{item.source.value}"),
            t(loc, "notice.assigned_by") + "\n" + mention(item.assigner_id),
        )
    )
    flags = []
    if item.urgent:
        flags.append(t(loc, "notice.urgent"))
    if item.confidential:
        flags.append(t(loc, "notice.confidential"))
    if flags:
        blocks.append(context(*flags))
    blocks.append(divider())
    blocks.append(section(t(loc, "notice.ask")))
    value = str(item.id)
    buttons = [button(tp(loc, "button.acknowledge"), ACK, value, style="primary")]
    if not item.fyi:
        buttons += [
            button(tp(loc, "button.report"), REPORT, value),
            button(tp(loc, "button.extend"), EXTEND, value),
        ]
    buttons.append(button(tp(loc, "button.open"), OPEN, value))
    blocks.append(actions(*buttons, block_id=f"notice:{item.id}"))
    fallback = t(
        loc, "notice.fallback", number=number, title=item.title, due=format_date(item.current_due, loc)
    )
    return message(fallback, blocks)


def acknowledged_notice(item: Item, reader: Reader, org_tz: str, at: datetime) -> dict[str, Any]:
    """The notice again, with the acknowledge button replaced by who acknowledged when."""
    body = notice(item, reader, org_tz)
    stamp = context(
        t(
            reader.locale,
            "notice.acknowledged_by",
            who=mention(reader.user_id),
            at=format_datetime(at, reader.locale, reader.tz),
        )
    ).to_dict()
    blocks = body["blocks"]
    for block in blocks:
        if block.get("type") == "actions":
            block["elements"] = [e for e in block["elements"] if e.get("action_id") != ACK]
    blocks.insert(len(blocks) - 1, stamp)
    return body
