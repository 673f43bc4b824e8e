"""协调会: the form that records a coordination meeting, the notice to its attendees, the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.items import Item
from bot.domain.meetings import ATTENDEES_MAX, MINUTES_MAX, OUTCOME_MAX
from messages.blocks import message, section
from messages.i18n import format_datetime, t, tp
from messages.text import Mrkdwn, clip, escape, mention
from messages.view_models import Reader

MEETING_CALLBACK = "meeting_modal"
FIELDS = ("meeting_date", "meeting_time", "attendees", "minutes", "outcome")


def _label(loc: str, key: str) -> PlainTextObject:
    return PlainTextObject(text=tp(loc, f"meeting.{key}")[:2000])


def meeting_modal(loc: str, item: Item, today: str) -> dict[str, Any]:
    """Time, attendees (Slack users), minutes (会议纪要) and outcome; the item id rides along."""
    blocks = [
        InputBlock(
            block_id="meeting_date",
            label=_label(loc, "date_label"),
            element=DatePickerElement(action_id="meeting_date", initial_date=today),
        ),
        InputBlock(
            block_id="meeting_time",
            label=_label(loc, "time_label"),
            element=PlainTextInputElement(action_id="meeting_time", max_length=5, placeholder="14:30"),
        ),
        InputBlock(
            block_id="attendees",
            label=_label(loc, "attendees_label"),
            element=UserMultiSelectElement(
                action_id="attendees",
                max_selected_items=ATTENDEES_MAX,
                initial_users=[o.user_id for o in item.owners],
            ),
        ),
        InputBlock(
            block_id="minutes",
            label=_label(loc, "minutes_label"),
            element=PlainTextInputElement(action_id="minutes", multiline=True, max_length=MINUTES_MAX),
        ),
        InputBlock(
            block_id="outcome",
            label=_label(loc, "outcome_label"),
            optional=True,
            element=PlainTextInputElement(action_id="outcome", multiline=True, max_length=OUTCOME_MAX),
        ),
    ]
    return View(
        type="modal",
        callback_id=MEETING_CALLBACK,
        title=PlainTextObject(text=tp(loc, "meeting.title")[:24]),
        submit=PlainTextObject(text=tp(loc, "meeting.submit")[:24]),
        close=PlainTextObject(text=tp(loc, "meeting.cancel")[:24]),
        private_metadata=str(item.id),
        blocks=blocks,
    ).to_dict()


def meeting_notice(reader: Reader, item: Item, data: dict[str, Any]) -> dict[str, Any]:
    """To each attendee: the meeting is in the dossier; its minutes and outcome only for those who
    may read the item (a confidential item's minutes follow its title's clearance rule)."""
    loc = reader.locale
    held_at = datetime.fromisoformat(data["held_at"])
    text = t(
        loc,
        "meeting.notice",
        who=mention(data["by"]),
        number=str(item.number),
        title=item.title,
        at=format_datetime(held_at, loc, reader.tz),
    )
    if not item.confidential or reader.can_see_confidential:
        text += "\n" + t(loc, "meeting.minutes_line", minutes=Mrkdwn(escape(clip(data["minutes"], 1500))))
        if data.get("outcome"):
            text += "\n" + t(loc, "meeting.outcome_line", outcome=Mrkdwn(escape(clip(data["outcome"], 800))))
    text = clip(text, 3000)
    return message(text.splitlines()[0], [section(text)])


def meeting_recorded(loc: str, item: Item, attendees: int) -> dict[str, Any]:
    return {"text": t(loc, "meeting.recorded", number=str(item.number), count=attendees)}
