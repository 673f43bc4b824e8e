"""Urging messages: check-ins that ask for an answer, the written notice, escalations (forms: urge_forms)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.domain.items import Item
from bot.domain.urge_modes import UrgeMode
from bot.domain.urge_records import UrgeRecord
from bot.domain.urging import is_notice_repeat
from messages.blocks import actions, button, context, header, message, section
from messages.i18n import format_date, format_datetime, t, tp
from messages.notices import EXTEND, OPEN, REPORT
from messages.text import Mrkdwn, clip, escape, mention
from messages.view_models import Reader

SNOOZE = "urge_snooze"  # value record id
NOTICE_ANSWER = "urge_notice_answer"  # value record id
URGE_AGAIN = "urge_again"  # value item id
OFFICE_EXTEND = "urge_office_extend"  # value item id
COORDINATE = "urge_coordinate"  # value item id
SILENT = "urge_silent"  # value item id
LOG_CALL = "item_call"  # value item id
EXT_APPROVE = "ext_approve"  # value request id
EXT_REFUSE = "ext_refuse"  # value request id

ANSWERS = ("on_track", "at_risk", "blocked")
# One action_id per answer button (Slack refuses a block whose elements share an action_id);
# value "<record id>:<answer>".
ANSWER_IDS = {answer: f"urge_answer_{answer}" for answer in ANSWERS}
ANSWER_ACTION = re.compile("^urge_answer_(?:" + "|".join(ANSWERS) + ")$")  # what the handler listens to


def _title(item: Item, reader: Reader) -> Mrkdwn:
    """The title for this reader: a confidential item's title only with clearance (with :lock:), else
    "a confidential item" and its number."""
    if item.confidential and not reader.can_see_confidential:
        return Mrkdwn(t(reader.locale, "seam.confidential_item", number=str(item.number)))
    return Mrkdwn((":lock: " if item.confidential else "") + escape(item.title))


def _plain_title(item: Item, reader: Reader) -> str:
    """The title in notification fallback text (plain, never more than ``_title`` shows)."""
    if item.confidential and not reader.can_see_confidential:
        return t(reader.locale, "seam.confidential_item", number=str(item.number))
    return item.title


def checkin(
    item: Item, reader: Reader, record: UrgeRecord, *, days_left: int | None, repeat: bool = False
) -> dict[str, Any]:
    loc, number = reader.locale, str(item.number)
    kind = "repeat" if repeat else "checkin"
    head = tp(loc, f"urge.{kind}_header", number=number)
    intro = t(
        loc,
        f"urge.{kind}_intro",
        title=_title(item, reader),
        due=format_date(item.current_due, loc),
        days_left=days_left,
    )
    return message(
        t(loc, "urge.fallback", header=head, title=_plain_title(item, reader)),
        [header(head), section(intro), _answer_row(item, loc, record)],
    )


def due_reminder(item: Item, reader: Reader, record: UrgeRecord) -> dict[str, Any]:
    loc, number = reader.locale, str(item.number)
    head = tp(loc, "urge.due_header", number=number)
    intro = t(loc, "urge.due_intro", title=_title(item, reader), due=format_date(item.current_due, loc))
    return message(
        t(loc, "urge.fallback", header=head, title=_plain_title(item, reader)),
        [header(head), section(intro), _answer_row(item, loc, record)],
    )


def manual(item: Item, reader: Reader, record: UrgeRecord, *, by: str, note: str) -> dict[str, Any]:
    loc, number = reader.locale, str(item.number)
    head = tp(loc, "urge.manual_header", number=number, who=by)
    intro = t(
        loc,
        "urge.manual_intro",
        who=mention(record.actor_id or by),
        title=_title(item, reader),
        due=format_date(item.current_due, loc),
        note=note,
    )
    return message(
        t(loc, "urge.fallback", header=head, title=_plain_title(item, reader)),
        [header(head), section(intro), _answer_row(item, loc, record)],
    )


def written_notice(item: Item, reader: Reader, record: UrgeRecord, *, overdue_days: int) -> dict[str, Any]:
    loc, number = reader.locale, str(item.number)
    head = tp(loc, "urge.notice_header", number=number)
    intro = t(
        loc,
        "urge.notice_intro",
        title=_title(item, reader),
        due=format_date(item.current_due, loc),
        days=overdue_days,
    )
    buttons = [
        button(tp(loc, "urge_button.answer_notice"), NOTICE_ANSWER, str(record.id), style="primary"),
        button(tp(loc, "button.extend"), EXTEND, str(item.id)),
    ]
    if not item.confidential or reader.can_see_confidential:
        buttons.append(button(tp(loc, "button.open"), OPEN, str(item.id)))
    row = actions(*buttons, block_id=f"urge:{record.id}")
    return message(
        t(loc, "urge.fallback", header=head, title=_plain_title(item, reader)),
        [header(head), section(intro), row],
    )


def escalation(
    item: Item,
    reader: Reader,
    record: UrgeRecord,
    *,
    overdue_days: int,
    notice_sent: datetime | None,
    history: list[UrgeRecord],
) -> dict[str, Any]:
    loc, number = reader.locale, str(item.number)
    head = tp(loc, "urge.escalation_header", number=number)
    sent = format_datetime(notice_sent, loc, reader.tz) if notice_sent else "-"
    intro = t(
        loc,
        "urge.escalation_intro",
        title=_title(item, reader),
        lead=mention(item.lead.user_id),
        days=overdue_days,
        sent=sent,
    )
    blocks: list[Any] = [header(head), section(intro)]
    if history:
        blocks.append(section(t(loc, "urge.history") + "\n" + history_lines(reader, history[-15:])))
    blocks.append(
        actions(
            button(tp(loc, "urge_button.urge_again"), URGE_AGAIN, str(item.id), style="primary"),
            button(tp(loc, "urge_button.extend"), OFFICE_EXTEND, str(item.id)),
            button(tp(loc, "urge_button.coordinate"), COORDINATE, str(item.id)),
            button(tp(loc, "button.open"), OPEN, str(item.id)),
            block_id=f"urge:{record.id}",
        )
    )
    return message(t(loc, "urge.fallback", header=head, title=_plain_title(item, reader)), blocks)


def history_lines(reader: Reader, records: list[UrgeRecord]) -> str:
    loc = reader.locale
    lines = []
    for record in records:
        answer = t(loc, f"answer.{record.answer}") if record.answer else t(loc, "urge.no_answer")
        lines.append(
            t(
                loc,
                "urge.history_line",
                at=format_datetime(record.sent_at or record.created_at, loc, reader.tz),
                rung=t(loc, f"rung.{record.rung}"),
                who=mention(record.recipient_id) if record.recipient_id else "-",
                answer=Mrkdwn(answer),
            )
        )
    return "\n".join(lines)


def _answer_row(item: Item, loc: str, record: UrgeRecord) -> Any:
    buttons = [
        button(
            tp(loc, f"urge_button.{answer}"),
            ANSWER_IDS[answer],
            f"{record.id}:{answer}",
            style="primary" if answer == "on_track" else None,
        )
        for answer in ANSWERS
    ]
    buttons += [
        button(tp(loc, "button.report"), REPORT, str(item.id)),
        button(tp(loc, "button.extend"), EXTEND, str(item.id)),
        button(tp(loc, "urge_button.snooze"), SNOOZE, str(record.id)),
    ]
    return actions(*buttons, block_id=f"urge:{record.id}")


def answered(body: dict[str, Any], reader: Reader, record: UrgeRecord) -> dict[str, Any]:
    """The urging message again, its buttons replaced by who answered what, when."""
    loc = reader.locale
    stamp = context(
        t(
            loc,
            "urge.answered_stamp",
            who=mention(record.answered_by or reader.user_id),
            answer=t(loc, f"answer.{record.answer}"),
            at=format_datetime(record.answered_at or record.created_at, loc, reader.tz),
        )
    ).to_dict()
    blocks = [b for b in body["blocks"] if b.get("type") != "actions"] + [stamp]
    return {"text": body["text"], "blocks": blocks}


def who_answered(reader: Reader, records: list[UrgeRecord]) -> str:
    """DING-style: who has answered the latest urging round and who has not."""
    loc = reader.locale
    first = records[0]
    lines = [
        t(
            loc,
            "urge.silent_header",
            rung=t(loc, f"rung.{first.rung}"),
            at=format_datetime(first.sent_at or first.created_at, loc, reader.tz),
        )
    ]
    for record in records:
        who = mention(record.recipient_id) if record.recipient_id else "-"
        if record.answered:
            lines.append(t(loc, "urge.silent_answered", who=who, answer=t(loc, f"answer.{record.answer}")))
        else:
            lines.append(t(loc, "urge.silent_waiting", who=who))
    return "\n".join(lines)


def urging_buttons(loc: str, item: Item) -> Any:
    return actions(
        button(tp(loc, "urge_button.silent"), SILENT, str(item.id)),
        button(tp(loc, "urge_button.log_call"), LOG_CALL, str(item.id)),
        block_id=f"urging:{item.id}",
    )


def extension_for_office(
    reader: Reader, item: Item, request_id: int, *, requester: str, new: Any, reason: str
) -> dict[str, Any]:
    loc = reader.locale
    text = t(
        loc,
        "urge_reply.extension_for_office",
        who=mention(requester),
        number=str(item.number),
        title=_title(item, reader),
        old=format_date(item.current_due, loc),
        new=format_date(new, loc),
        reason=reason,
    )
    row = actions(
        button(tp(loc, "urge_reply.approve"), EXT_APPROVE, str(request_id), style="primary"),
        button(tp(loc, "urge_reply.refuse"), EXT_REFUSE, str(request_id), style="danger"),
        button(tp(loc, "button.open"), OPEN, str(item.id)),
        block_id=f"extension:{request_id}",
    )
    return message(text, [section(text), row])


def status_blocks(
    reader: Reader, item: Item, latest: list[UrgeRecord], *, overseer: bool
) -> list[dict[str, Any]]:
    """Under the item card: who answered the latest urging, and (for the office) what to do about it."""
    blocks: list[Any] = []
    if latest:
        blocks.append(section(who_answered(reader, latest)))
    if overseer:
        blocks.append(urging_buttons(reader.locale, item))
    return [b.to_dict() for b in blocks]


def reply(loc: str, key: str, **params: Any) -> dict[str, Any]:
    return {"text": t(loc, f"urge_reply.{key}", **params)}


def for_record(
    item: Item,
    reader: Reader,
    record: UrgeRecord,
    *,
    overdue_days: int = 0,
    by: str = "",
    days_left: int | None = None,
) -> dict[str, Any]:
    """The urging message a record stands for (to re-send it, or to stamp it once answered)."""
    if record.rung == "notice" or is_notice_repeat(record.round):
        return written_notice(item, reader, record, overdue_days=overdue_days)
    if record.rung == "due":
        return due_reminder(item, reader, record)
    if record.rung == "manual":
        return manual(item, reader, record, by=by or (record.actor_id or ""), note=record.note)
    return checkin(item, reader, record, days_left=days_left, repeat=record.rung == "repeat")


def extension_decided(reader: Reader, item: Item, request: Any, old: Any) -> dict[str, Any]:
    """The extension request's outcome, for the requester and the owners."""
    loc = reader.locale
    key = "urge_reply.extension_approved" if request.status == "approved" else "urge_reply.extension_refused"
    text = t(
        loc,
        key,
        number=str(item.number),
        new=format_date(request.requested_due, loc),
        old=format_date(old, loc),
        original=format_date(item.original_due, loc),
        who=mention(request.decided_by or ""),
        note=request.decision_note,
    )
    return {"text": clip(text, 3000)}


def office_note(reader: Reader, item: Item, message: str, who: str) -> dict[str, Any]:
    """A short note about the item (``urge_reply.<message>``): blocked alerts, coordination called."""
    text = t(
        reader.locale,
        f"urge_reply.{message}",
        who=mention(who),
        number=str(item.number),
        title=_plain_title(item, reader),
    )
    return {"text": clip(text, 3000)}


def tracker(reader: Reader, item: Item, records: list[UrgeRecord]) -> dict[str, Any]:
    """For whoever sent an urging: who has answered it so far (updated in place as answers come)."""
    loc = reader.locale
    head = tp(loc, "urge.tracker_header", number=str(item.number))
    intro = t(loc, "urge.tracker_intro", title=_title(item, reader), rung=t(loc, f"rung.{records[0].rung}"))
    blocks: list[Any] = [header(head), section(intro), section(who_answered(reader, records))]
    if any(not r.answered for r in records):
        blocks.append(urging_buttons(loc, item))
    return message(t(loc, "urge.fallback", header=head, title=_plain_title(item, reader)), blocks)


def answer_reply(reader: Reader, item: Item, record: UrgeRecord, *, already: bool) -> dict[str, Any]:
    """To whoever answered an urging: thanks, or when it had been answered before (and with what)."""
    loc = reader.locale
    answer_text = t(loc, f"answer.{record.answer}")
    if already:
        at = format_datetime(record.answered_at, loc, reader.tz)
        return reply(loc, "already_answered", at=at, answer=answer_text)
    return reply(loc, "answered", number=str(item.number), answer=answer_text)


def urging_logged(loc: str, item: Item, mode: UrgeMode) -> dict[str, Any]:
    """Answer to the urging form: which urging was put in the dossier, and which round it is."""
    mode_name = tp(loc, f"urge_mode.{mode.value}")
    return reply(loc, "call_logged", number=str(item.number), round=item.urge_round, mode=mode_name)
