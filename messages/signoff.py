"""Bulletin sign-off (DUBAN_BULLETIN_SIGNOFF): the draft sent to the leader, its stamp once published,
and the edit form (a note of the leader's own; the criticism list published or withheld)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from messages.blocks import MESSAGE_BLOCKS, actions, button, context, section, to_dicts
from messages.i18n import format_datetime, t, tp
from messages.text import Mrkdwn, escape, mention
from messages.view_models import Reader

PUBLISH = "bulletin_signoff_publish"
EDIT = "bulletin_signoff_edit"
EDIT_CALLBACK = "bulletin_signoff_modal"
NOTE = "note"
CRITICISM = "criticism"
CRITICISM_BLOCK = "criticism"  # the block id of the bulletin's criticism list (messages.bulletins)
NOTE_MAX = 2000


def _blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(b) for b in body.get("blocks", [])]


def draft_message(reader: Reader, bulletin_id: int, label: str, body: dict[str, Any]) -> dict[str, Any]:
    """The bulletin as it would be posted, with 签发 / 修改后签发."""
    loc, value = reader.locale, str(bulletin_id)
    intro = t(loc, "signoff.draft_intro", label=label)
    blocks = [to_dicts([section(intro)])[0], *_blocks(body)][: MESSAGE_BLOCKS - 1]
    blocks.append(
        to_dicts(
            [
                actions(
                    button(tp(loc, "signoff.publish"), PUBLISH, value, style="primary"),
                    button(tp(loc, "signoff.edit"), EDIT, value),
                    block_id=f"signoff:{bulletin_id}",
                )
            ]
        )[0]
    )
    return {"text": tp(loc, "signoff.draft_header", label=label), "blocks": blocks}


def signed_stamp(
    reader: Reader, label: str, body: dict[str, Any], by: str | None, at: datetime | None
) -> dict[str, Any]:
    """The draft once published: no buttons, who signed it and when."""
    loc = reader.locale
    when = format_datetime(at, loc, reader.tz) if at else ""
    stamp = t(loc, "signoff.signed", who=mention(by) if by else "", at=when, label=label)
    blocks = [*_blocks(body)][: MESSAGE_BLOCKS - 1]
    blocks.append(to_dicts([context(stamp)])[0])
    return {"text": stamp, "blocks": blocks}


def edited(reader: Reader, body: dict[str, Any], *, note: str, criticism: bool) -> dict[str, Any]:
    """The bulletin as the leader signs it: their note under the heading, the criticism list kept or not."""
    blocks = [b for b in _blocks(body) if criticism or b.get("block_id") != CRITICISM_BLOCK]
    if note:
        text = t(reader.locale, "signoff.note", note=escape(note))
        blocks.insert(1 if blocks else 0, to_dicts([section(text)])[0])
    return {**body, "blocks": blocks[:MESSAGE_BLOCKS]}


def edit_modal(loc: str, bulletin_id: int, label: str) -> dict[str, Any]:
    keep = Option(text=PlainTextObject(text=tp(loc, "signoff.criticism_keep")), value="keep")
    withhold = Option(text=PlainTextObject(text=tp(loc, "signoff.criticism_withhold")), value="withhold")
    view = View(
        type="modal",
        callback_id=EDIT_CALLBACK,
        title=PlainTextObject(text=tp(loc, "signoff.edit_title")[:24]),
        submit=PlainTextObject(text=tp(loc, "signoff.publish")[:24]),
        close=PlainTextObject(text=tp(loc, "reports.modal.cancel")[:24]),
        private_metadata=str(bulletin_id),
        blocks=[
            section(t(loc, "signoff.edit_intro", label=label)),
            InputBlock(
                block_id=NOTE,
                optional=True,
                label=PlainTextObject(text=tp(loc, "signoff.note_label")),
                element=PlainTextInputElement(action_id=NOTE, multiline=True, max_length=NOTE_MAX),
            ),
            InputBlock(
                block_id=CRITICISM,
                label=PlainTextObject(text=tp(loc, "signoff.criticism_label")),
                element=RadioButtonsElement(
                    action_id=CRITICISM, options=[keep, withhold], initial_option=keep
                ),
            ),
        ],
    )
    return view.to_dict()


def read_edit(values: dict[str, dict[str, dict[str, Any]]]) -> tuple[str | None, bool]:
    note = values.get(NOTE, {}).get(NOTE, {}).get("value")
    picked = (values.get(CRITICISM, {}).get(CRITICISM, {}).get("selected_option") or {}).get("value")
    return note, picked != "withhold"


def stale(reader: Reader, label: str, by: str | None, at: datetime | None) -> dict[str, Any]:
    """A click on a draft that was published already."""
    loc = reader.locale
    when = format_datetime(at, loc, reader.tz) if at else ""
    text = t(loc, "signoff.already", label=label, who=mention(by) if by else "", at=when)
    return {"text": text}


def drafted(loc: str, label: str, signers: list[str]) -> dict[str, Any]:
    """Answer to a post that became a draft for the leader's sign-off."""
    who = Mrkdwn(", ".join(mention(u) for u in signers))
    return {"text": t(loc, "signoff.drafted", label=label, who=who)}
