"""Messages of item corrections (撤销 / 修改 / 改派) and of an owner leaving the workspace."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.corrections import EditValues, FieldChange
from bot.domain.items import REQUIREMENTS_MAX, TITLE_MAX, Item, SourceKind
from messages import notices
from messages.blocks import context, message, section
from messages.i18n import format_date, t, tp
from messages.text import Mrkdwn, clip, mention
from messages.view_models import Reader

EDIT_CALLBACK = "edit_item_modal"
# block_id == action_id == the field name in DomainError.field
TITLE, REQUIREMENTS, DUE, SOURCE, CONFIDENTIAL = "title", "requirements", "due", "source", "confidential"
EDIT_FIELDS = (TITLE, REQUIREMENTS, DUE, SOURCE, CONFIDENTIAL)


def _label(loc: str, key: str, limit: int = 2000) -> PlainTextObject:
    return PlainTextObject(text=tp(loc, key)[:limit], emoji=True)


def _intro(item: Item, reader: Reader) -> dict[str, Any]:
    title = (
        item.title
        if reader.can_see_confidential or not item.confidential
        else t(reader.locale, "fix.redacted")
    )
    return {"number": str(item.number), "title": title}


# -- withdraw -------------------------------------------------------------------------------------


def withdrawn_reply(reader: Reader, item: Item, told: list[str]) -> dict[str, Any]:
    who = Mrkdwn(", ".join(mention(u) for u in told)) if told else "-"
    return {"text": t(reader.locale, "fix.withdrawn_reply", who=who, **_intro(item, reader))}


def withdrawn_notice(reader: Reader, item: Item, reason: str, actor_id: str) -> dict[str, Any]:
    text = t(
        reader.locale, "fix.withdrawn_notice", by=mention(actor_id), reason=reason, **_intro(item, reader)
    )
    return message(clip(text, 300), [section(clip(text, 2900))])


def withdrawn_card(item: Item, reader: Reader, org_tz: str, reason: str) -> dict[str, Any]:
    """The owner's supervision notice again, without its buttons, marked withdrawn (nothing left to click)."""
    body = notices.notice(item, reader, org_tz)
    blocks = [
        b
        for b in body["blocks"]
        if b.get("type") != "actions" and b.get("text", {}).get("text") != t(reader.locale, "notice.ask")
    ]
    line = t(reader.locale, "fix.withdrawn_stamp", reason=reason)
    blocks.append(context(clip(line, 2900)).to_dict())
    body["blocks"] = blocks
    return body


# -- edit ---------------------------------------------------------------------------------------


def edit_modal(loc: str, item: Item) -> dict[str, Any]:
    sources = [Option(value=k.value, label=tp(loc, f"source.{k.value}")[:75]) for k in SourceKind]
    current = next(o for o in sources if o.value == item.source.value)
    secret = Option(value=CONFIDENTIAL, label=tp(loc, "modal.flag_confidential")[:75])
    blocks = [
        SectionBlock(text=t(loc, "fix.edit_intro", number=str(item.number))),
        InputBlock(
            block_id=TITLE,
            label=_label(loc, "modal.title_label"),
            element=PlainTextInputElement(action_id=TITLE, max_length=TITLE_MAX, initial_value=item.title),
        ),
        InputBlock(
            block_id=REQUIREMENTS,
            label=_label(loc, "modal.requirements_label"),
            optional=True,
            element=PlainTextInputElement(
                action_id=REQUIREMENTS,
                multiline=True,
                max_length=REQUIREMENTS_MAX,
                initial_value=item.requirements or None,
            ),
        ),
        InputBlock(
            block_id=DUE,
            label=_label(loc, "modal.due_label"),
            element=DatePickerElement(action_id=DUE, initial_date=item.current_due.isoformat()),
        ),
        InputBlock(
            block_id=SOURCE,
            label=_label(loc, "modal.source_label"),
            element=StaticSelectElement(action_id=SOURCE, options=sources, initial_option=current),
        ),
        InputBlock(
            block_id=CONFIDENTIAL,
            label=_label(loc, "modal.flags_label"),
            optional=True,
            element=CheckboxesElement(
                action_id=CONFIDENTIAL,
                options=[secret],
                initial_options=[secret] if item.confidential else None,
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=EDIT_CALLBACK,
        title=PlainTextObject(text=tp(loc, "fix.edit_title")[:24]),
        submit=PlainTextObject(text=tp(loc, "fix.edit_submit")[:24]),
        close=PlainTextObject(text=tp(loc, "modal.cancel")[:24]),
        private_metadata=json.dumps({"item_id": item.id, "version": item.version}),
        blocks=blocks,
    )
    return view.to_dict()


def read_edit_state(values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    def element(block: str) -> dict[str, Any]:
        return values.get(block, {}).get(block, {})

    return {
        TITLE: element(TITLE).get("value") or "",
        REQUIREMENTS: element(REQUIREMENTS).get("value") or "",
        DUE: element(DUE).get("selected_date"),
        SOURCE: (element(SOURCE).get("selected_option") or {}).get("value"),
        CONFIDENTIAL: bool(element(CONFIDENTIAL).get("selected_options")),
    }


def to_edit_values(raw: dict[str, Any], due: date) -> EditValues:
    return EditValues(
        title=raw[TITLE],
        requirements=raw[REQUIREMENTS],
        due=due,
        source=SourceKind(raw[SOURCE]) if raw[SOURCE] else SourceKind.OTHER,
        confidential=raw[CONFIDENTIAL],
    )


def _value(loc: str, field: str, value: Any) -> str:
    if field == "due" and value:
        return format_date(date.fromisoformat(value), loc)
    if field == "source" and value:
        return tp(loc, f"source.{value}")
    if field == "confidential":
        return tp(loc, "fix.yes" if value else "fix.no")
    text = " ".join(str(value or "").split())
    return clip(text, 120) if text else tp(loc, "fix.empty")


def change_line(loc: str, field: str, old: Any, new: Any) -> str:
    return t(
        loc,
        "fix.change_line",
        field=tp(loc, f"fix.field_{field}"),
        old=_value(loc, field, old),
        new=_value(loc, field, new),
    )


def event_params(loc: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Timeline wording of corrections: the changed field, the owner swap, the reason."""
    params: dict[str, Any] = {"change": "", "reason": payload.get("reason", "")}
    if "field" in payload:
        params["change"] = Mrkdwn(
            change_line(loc, payload["field"], payload.get("before"), payload.get("after"))
        )
    elif "from" in payload and "to" in payload:
        role = tp(loc, f"owner_role.{payload.get('role', 'lead')}")
        params["change"] = Mrkdwn(f"{role} {mention(payload['from'])} → {mention(payload['to'])}")
    return params


def edited_reply(reader: Reader, item: Item, changes: list[FieldChange]) -> dict[str, Any]:
    loc = reader.locale
    if not changes:
        return {"text": t(loc, "fix.edit_nothing", **_intro(item, reader))}
    lines = "\n".join("• " + change_line(loc, c.field, c.old, c.new) for c in changes)
    text = t(loc, "fix.edited_reply", **_intro(item, reader)) + "\n" + lines
    return message(clip(text, 300), [section(clip(text, 2900))])


def edited_notice(reader: Reader, item: Item, changes: list[FieldChange], actor_id: str) -> dict[str, Any]:
    loc = reader.locale
    lines = "\n".join("• " + change_line(loc, c.field, c.old, c.new) for c in changes)
    text = t(loc, "fix.edited_notice", by=mention(actor_id), **_intro(item, reader)) + "\n" + lines
    return message(clip(text, 300), [section(clip(text, 2900))])


# -- reassign -----------------------------------------------------------------------------------


def reassigned_reply(reader: Reader, item: Item, old_id: str, new_id: str, role: str) -> dict[str, Any]:
    text = t(
        reader.locale,
        "fix.reassigned_reply",
        old=mention(old_id),
        new=mention(new_id),
        role=tp(reader.locale, f"owner_role.{role}"),
        **_intro(item, reader),
    )
    return {"text": text}


def released_notice(reader: Reader, item: Item, actor_id: str, new_id: str) -> dict[str, Any]:
    text = t(
        reader.locale,
        "fix.released_notice",
        by=mention(actor_id),
        new=mention(new_id),
        **_intro(item, reader),
    )
    return message(clip(text, 300), [section(clip(text, 2900))])


# -- an owner left the workspace ----------------------------------------------------------------


def owner_gone(reader: Reader, user_id: str, name: str, items: list[Item]) -> dict[str, Any]:
    loc = reader.locale
    lines = []
    for item in items:
        lead = item.lead.user_id == user_id
        command = (
            f"/duban reassign {item.number} <@…>"
            if lead
            else f"/duban reassign {item.number} co <@{user_id}> <@…>"
        )
        lines.append(
            t(
                loc,
                "fix.owner_gone_line",
                role=tp(loc, "owner_role.lead" if lead else "owner_role.co"),
                command=Mrkdwn(f"`{command}`"),
                **_intro(item, reader),
            )
        )
    head = t(loc, "fix.owner_gone", who=mention(user_id), name=name, count=len(items))
    text = head + "\n" + "\n".join(lines)
    return message(clip(head, 300), [section(clip(text, 2900))])
