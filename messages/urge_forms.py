"""The urging forms: answering a written notice, logging a call, asking for (or granting) more time.
Their block ids are the field names the handlers read and the services name in their errors."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.items import Item
from bot.domain.urge_modes import LOGGED_MODES
from messages.i18n import tp

NOTICE_CALLBACK = "urge_notice_modal"
CALL_CALLBACK = "urge_call_modal"
EXTEND_CALLBACK = "extend_modal"
OFFICE_EXTEND_CALLBACK = "office_extend_modal"

NOTICE_FIELDS = ("reason", "progress", "new_date")
CALL_FIELDS = ("mode", "callee", "call_date", "call_time", "answered_by", "summary", "promised")
EXTEND_FIELDS = ("new_date", "reason")


def _text_input(
    loc: str, block_id: str, label: str, *, optional: bool = False, multiline: bool = True
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=tp(loc, label)),
        hint=PlainTextObject(text=tp(loc, "urge_modal.text_hint")),
        optional=optional,
        element=PlainTextInputElement(action_id=block_id, multiline=multiline, max_length=3000),
    )


def _date_input(loc: str, block_id: str, label: str, *, optional: bool = False) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=tp(loc, label)),
        optional=optional,
        element=DatePickerElement(action_id=block_id),
    )


def _modal(loc: str, callback: str, title_key: str, metadata: str, blocks: list[Any]) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=callback,
        title=PlainTextObject(text=tp(loc, title_key)[:24]),
        submit=PlainTextObject(text=tp(loc, "urge_modal.submit")[:24]),
        close=PlainTextObject(text=tp(loc, "urge_modal.cancel")[:24]),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def notice_answer_modal(loc: str, record_id: int) -> dict[str, Any]:
    return _modal(
        loc,
        NOTICE_CALLBACK,
        "urge_modal.notice_title",
        str(record_id),
        [
            _text_input(loc, "reason", "urge_modal.reason_label"),
            _text_input(loc, "progress", "urge_modal.progress_label"),
            _date_input(loc, "new_date", "urge_modal.new_date_label"),
        ],
    )


def call_modal(loc: str, item: Item) -> dict[str, Any]:
    """One form for every urging the office logs by hand: 电话催办, 当面催办, 现场督办, 暗访."""
    modes = [Option(value=m.value, label=tp(loc, f"urge_mode.{m.value}")[:75]) for m in LOGGED_MODES]
    return _modal(
        loc,
        CALL_CALLBACK,
        "urge_modal.call_title",
        str(item.id),
        [
            InputBlock(
                block_id="mode",
                label=PlainTextObject(text=tp(loc, "urge_mode.label")),
                element=StaticSelectElement(action_id="mode", options=modes, initial_option=modes[0]),
            ),
            InputBlock(
                block_id="callee",
                label=PlainTextObject(text=tp(loc, "urge_modal.callee_label")),
                element=UserSelectElement(action_id="callee", initial_user=item.lead.user_id),
            ),
            _date_input(loc, "call_date", "urge_modal.call_date_label"),
            InputBlock(
                block_id="call_time",
                label=PlainTextObject(text=tp(loc, "urge_modal.call_time_label")),
                element=PlainTextInputElement(action_id="call_time", max_length=5, placeholder="14:30"),
            ),
            InputBlock(
                block_id="answered_by",
                label=PlainTextObject(text=tp(loc, "urge_modal.answered_by_label")),
                element=PlainTextInputElement(action_id="answered_by", max_length=200),
            ),
            _text_input(loc, "summary", "urge_modal.summary_label"),
            _date_input(loc, "promised", "urge_modal.promised_label", optional=True),
        ],
    )


def extend_modal(loc: str, item_id: int, *, office: bool = False) -> dict[str, Any]:
    return _modal(
        loc,
        OFFICE_EXTEND_CALLBACK if office else EXTEND_CALLBACK,
        "urge_modal.office_extend_title" if office else "urge_modal.extend_title",
        str(item_id),
        [
            _date_input(loc, "new_date", "urge_modal.extend_date_label"),
            _text_input(loc, "reason", "urge_modal.extend_reason_label"),
        ],
    )
