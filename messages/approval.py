"""Two-level 拟办呈批 (the unit's 分管领导 reviews, the principal leader decides) and rejections with a
reason: the messages and the reason form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.domain.approval import REASON_MAX
from bot.domain.items import Item
from messages.blocks import actions, button, context, message, section
from messages.i18n import format_datetime, t, tp
from messages.reports import PROPOSAL_APPROVE, PROPOSAL_CHANGE, PROPOSAL_REJECT, _proposal_blocks
from messages.text import escape, mention
from messages.view_models import Reader

REJECT_CALLBACK = "proposal_reject_modal"
REASON = "reason"


def _title(loc: str, item: Item) -> str:
    return tp(loc, "reports.msg.proposal_header", number=str(item.number)) + " " + item.title


def review_request(reader: Reader, item: Item, org_tz: str) -> dict[str, Any]:
    """To the unit's 分管领导: review the proposal before it goes to the principal leader."""
    loc, value = reader.locale, str(item.id)
    blocks = _proposal_blocks(reader, item, org_tz)
    blocks.insert(1, section(t(loc, "approval.review_intro")))
    blocks.append(
        actions(
            button(tp(loc, "approval.agree"), PROPOSAL_APPROVE, value, style="primary"),
            button(tp(loc, "reports.button.change"), PROPOSAL_CHANGE, value),
            button(tp(loc, "reports.button.reject"), PROPOSAL_REJECT, value, style="danger"),
            block_id=f"proposal:{item.id}",
        )
    )
    return message(_title(loc, item), blocks)


def reviewed_stamp(reader: Reader, item: Item, by: str, at: datetime, org_tz: str) -> dict[str, Any]:
    """The reviewer's copy once reviewed: its buttons replaced by who agreed when."""
    loc = reader.locale
    blocks = _proposal_blocks(reader, item, org_tz)
    blocks.append(
        context(t(loc, "approval.reviewed_stamp", who=mention(by), at=format_datetime(at, loc, reader.tz)))
    )
    return message(_title(loc, item), blocks)


def rejected_stamp(
    reader: Reader, item: Item, by: str, at: datetime, reason: str, org_tz: str
) -> dict[str, Any]:
    """A decider's copy once rejected: who, when and why."""
    loc = reader.locale
    blocks = _proposal_blocks(reader, item, org_tz)
    text = t(
        loc, "approval.rejected_stamp", who=mention(by), at=format_datetime(at, loc, reader.tz), reason=reason
    )
    blocks.append(context(text))
    return message(_title(loc, item), blocks)


def forwarded(reader: Reader, item: Item, reviewer: str, principal: str | None) -> dict[str, Any]:
    """To the supervisor who proposed it: reviewed, now with the principal leader."""
    text = t(
        reader.locale,
        "approval.forwarded",
        who=mention(reviewer),
        principal=mention(principal) if principal else "",
        number=str(item.number),
        title=item.title,
    )
    return message(text, [section(text)])


def rejected(reader: Reader, item: Item, by: str, reason: str) -> dict[str, Any]:
    """To the supervisor who proposed it: not approved, and why."""
    text = t(reader.locale, "approval.rejected", who=mention(by), number=str(item.number), title=item.title)
    body = text + "\n>" + escape(reason).replace("\n", "\n>")
    return message(text, [section(body)])


def reviewed_done(reader: Reader, item: Item, principal: str | None) -> dict[str, Any]:
    """The reviewer's own answer."""
    text = t(
        reader.locale,
        "approval.reviewed_done",
        number=str(item.number),
        principal=mention(principal) if principal else "",
    )
    return message(text, [section(text)])


def rejected_done(reader: Reader, item: Item) -> dict[str, Any]:
    text = t(reader.locale, "reports.msg.proposal_done_reject", number=str(item.number))
    return message(text, [section(text)])


def reject_modal(loc: str, item: Item) -> dict[str, Any]:
    """不同意: the reason, required, shown to the proposer."""
    view = View(
        type="modal",
        callback_id=REJECT_CALLBACK,
        title=PlainTextObject(text=tp(loc, "approval.reject_title")[:24]),
        submit=PlainTextObject(text=tp(loc, "approval.reject_submit")[:24]),
        close=PlainTextObject(text=tp(loc, "reports.modal.cancel")[:24]),
        private_metadata=str(item.id),
        blocks=[
            section(t(loc, "approval.reject_intro", number=str(item.number), title=item.title)),
            InputBlock(
                block_id=REASON,
                label=PlainTextObject(text=tp(loc, "approval.reason_label")),
                element=PlainTextInputElement(action_id=REASON, multiline=True, max_length=REASON_MAX),
            ),
        ],
    )
    return view.to_dict()


def read_reason(values: dict[str, dict[str, dict[str, Any]]]) -> str | None:
    return values.get(REASON, {}).get(REASON, {}).get("value")
