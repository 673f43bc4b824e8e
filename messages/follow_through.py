"""一督到底 messages: reminders of decisions the office or a leader owes, requests to acknowledge,
and requests for progress reports (续报)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.items import Item
from messages.blocks import actions, button, header, message, section
from messages.i18n import format_date, format_datetime, t, tp
from messages.notices import ACK, OPEN, REPORT
from messages.reports import PROPOSAL_APPROVE, PROPOSAL_REJECT
from messages.text import Mrkdwn, escape, mention
from messages.urging import EXT_APPROVE, EXT_REFUSE
from messages.view_models import Reader


def _title(item: Item) -> Mrkdwn:
    return Mrkdwn(escape(item.title))


def _dm(reader: Reader, head: str, intro: str, buttons: list[Any]) -> dict[str, Any]:
    blocks: list[Any] = [header(head), section(intro)]
    if buttons:
        blocks.append(actions(*buttons))
    return message(f"{head}\n{intro}", blocks)


def proposal_waiting(reader: Reader, item: Item, days: int) -> dict[str, Any]:
    """To the leaders: a proposal (拟办呈批) waits past the office's time limit."""
    loc = reader.locale
    value = str(item.id)
    return _dm(
        reader,
        tp(loc, "regs.proposal_waiting_header", number=str(item.number)),
        t(loc, "regs.proposal_waiting", number=str(item.number), title=_title(item), days=days),
        [
            button(tp(loc, "reports.button.approve"), PROPOSAL_APPROVE, value, style="primary"),
            button(tp(loc, "reports.button.reject"), PROPOSAL_REJECT, value, style="danger"),
            button(tp(loc, "button.open"), OPEN, value),
        ],
    )


def extension_waiting(
    reader: Reader, item: Item, request_id: int, requested: date, days: int
) -> dict[str, Any]:
    """To the office: an extension request nobody has decided within the time limit."""
    loc = reader.locale
    return _dm(
        reader,
        tp(loc, "regs.extension_waiting_header", number=str(item.number)),
        t(
            loc,
            "regs.extension_waiting",
            number=str(item.number),
            title=_title(item),
            date=format_date(requested, loc),
            days=days,
        ),
        [
            button(tp(loc, "urge_reply.approve"), EXT_APPROVE, str(request_id), style="primary"),
            button(tp(loc, "urge_reply.refuse"), EXT_REFUSE, str(request_id), style="danger"),
            button(tp(loc, "button.open"), OPEN, str(item.id)),
        ],
    )


def ack_request(reader: Reader, item: Item, days: int) -> dict[str, Any]:
    """To a co-owner or FYI recipient who has not acknowledged the item."""
    loc = reader.locale
    key = "regs.ack_request_fyi" if item.fyi else "regs.ack_request"
    return _dm(
        reader,
        tp(loc, "regs.ack_header", number=str(item.number)),
        t(loc, key, number=str(item.number), title=_title(item), days=days),
        [
            button(tp(loc, "button.acknowledge"), ACK, str(item.id), style="primary"),
            button(tp(loc, "button.open"), OPEN, str(item.id)),
        ],
    )


def progress_request(reader: Reader, item: Item, days: int) -> dict[str, Any]:
    """To the lead owner: after a delay report, the next progress report (续报) is due."""
    loc = reader.locale
    return _dm(
        reader,
        tp(loc, "regs.progress_header", number=str(item.number)),
        t(
            loc,
            "regs.progress_request",
            number=str(item.number),
            title=_title(item),
            days=days,
            due=format_date(item.current_due, loc),
        ),
        [
            button(tp(loc, "button.report"), REPORT, str(item.id), style="primary"),
            button(tp(loc, "button.open"), OPEN, str(item.id)),
        ],
    )


def escalation_settled(reader: Reader, item: Item, by: str, at: datetime) -> dict[str, Any]:
    """An escalation DM, restamped once the owner answered: nothing left for the leader to decide."""
    loc = reader.locale
    head = tp(loc, "urge.escalation_header", number=str(item.number))
    text = t(
        loc,
        "regs.escalation_settled",
        number=str(item.number),
        title=_title(item),
        who=Mrkdwn(mention(by)),
        at=format_datetime(at, loc, reader.tz),
    )
    return message(
        f"{head}\n{text}",
        [header(head), section(text), actions(button(tp(loc, "button.open"), OPEN, str(item.id)))],
    )
