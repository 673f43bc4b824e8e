"""Urging (催办): check-in answers, written notices, escalations, call logs, manual urging, extensions."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.domain import commands as grammar
from bot.domain.due_dates import required_date
from bot.domain.urge_modes import logged_mode
from bot.domain.urging import Answer
from bot.services import Services, urge_forms
from handlers.feedback import by_item, on_click, on_form_button, on_submit, view_number
from handlers.routing import Reply
from messages import replies
from messages import urge_forms as forms
from messages import urging as msg
from messages.calendar import with_notes
from messages.i18n import format_date, format_datetime, t
from messages.notices import EXTEND
from messages.text import Mrkdwn, mention
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.action(msg.ANSWER_ACTION)(on_click(check_in_answer))
    app.action(msg.SNOOZE)(on_click(snooze))
    app.action(msg.NOTICE_ANSWER)(on_form_button(notice_form))
    app.view(forms.NOTICE_CALLBACK)(
        on_submit(answer_notice, fields=forms.NOTICE_FIELDS, default="reason", confirm="notice-answered")
    )
    app.action(EXTEND)(on_form_button(extension_form))
    app.view(forms.EXTEND_CALLBACK)(
        on_submit(
            request_extension, fields=forms.EXTEND_FIELDS, default="reason", confirm="extension-requested"
        )
    )
    app.action(msg.EXT_APPROVE)(on_click(approve_extension))
    app.action(msg.EXT_REFUSE)(on_click(refuse_extension))
    app.action(msg.URGE_AGAIN)(on_click(urge_again))
    app.action(msg.SILENT)(on_click(urge_silent))
    app.action(msg.COORDINATE)(on_click(coordinate))
    app.action(msg.OFFICE_EXTEND)(on_form_button(office_extension_form))
    app.view(forms.OFFICE_EXTEND_CALLBACK)(
        on_submit(extend_by_office, fields=forms.EXTEND_FIELDS, default="new_date")
    )
    app.action(msg.LOG_CALL)(on_form_button(by_item(call_form)))
    app.view(forms.CALL_CALLBACK)(
        on_submit(log_call, fields=forms.CALL_FIELDS, default="summary", confirm="call-logged")
    )


# -- /duban urge|extend (call opens its form: routing.form_route) -----------------------------------


async def urge_command(
    services: Services, reader: Reader, parsed: grammar.Urge, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.urge_actions.manual(command["user_id"], parsed.ref, parsed.note)
    return msg.reply(
        reader.locale, "manual_sent", who=mention(result.recipients[0]), number=str(result.item.number)
    )


async def extend_command(
    services: Services, reader: Reader, parsed: grammar.Extend, command: dict[str, Any], client: Any
) -> Reply:
    reading = await services.extensions.parse_date(parsed.due)
    result = await services.extensions.request(
        command["user_id"], parsed.ref, reading, parsed.reason, request_key=f"cmd:{command.get('trigger_id')}"
    )
    loc = reader.locale
    reply = msg.reply(
        loc, "extension_requested", number=str(result.item.number), date=format_date(reading.day, loc)
    )
    return with_notes(reply, loc, result.notes)


# -- answers to an urging -------------------------------------------------------------------------


async def check_in_answer(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    record_id, _, answer = value.partition(":")
    result = await services.urge_actions.answer(user_id, int(record_id), Answer(answer))
    return msg.answer_reply(reader, result.item, result.record, already=result.already)


async def snooze(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    result = await services.urge_actions.answer(user_id, int(value), Answer.SNOOZED)
    if result.already:
        return msg.answer_reply(reader, result.item, result.record, already=True)
    until = result.item.urge_plan.snoozed_until
    assert until is not None  # a snooze sets it
    return msg.reply(reader.locale, "snoozed", until=format_datetime(until, reader.locale, reader.tz))


async def notice_form(services: Services, user_id: str, reader: Reader, value: str) -> dict[str, Any]:
    return forms.notice_answer_modal(reader.locale, int(value))


async def answer_notice(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> Reply:
    values = _values(view)
    result, extension = await urge_forms.answer_notice(
        services.urge_actions, user_id, view_number(view), values, request_key=f"view:{view['id']}"
    )
    if result.already:  # answered before (another copy, or a report): nothing new saved
        return msg.answer_reply(reader, result.item, result.record, already=True)
    new_date = format_date(date.fromisoformat(values["new_date"]), reader.locale)
    number = str(result.item.number)
    reply = msg.reply(reader.locale, "notice_answered", number=number, extension=extension, date=new_date)
    return with_notes(reply, reader.locale, result.notes)


# -- extensions -----------------------------------------------------------------------------------


async def extension_form(services: Services, user_id: str, reader: Reader, value: str) -> dict[str, Any]:
    return forms.extend_modal(reader.locale, int(value))


async def request_extension(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> Reply:
    values = _values(view)
    new_due = required_date(values["new_date"], "new_date")
    result = await services.extensions.request(
        user_id, view_number(view), new_due, values["reason"] or "", request_key=f"view:{view['id']}"
    )
    number, day = str(result.item.number), format_date(new_due, reader.locale)
    reply = msg.reply(reader.locale, "extension_requested", number=number, date=day)
    return with_notes(reply, reader.locale, result.notes)


async def approve_extension(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    return await _decide_extension(services, user_id, reader, value, approve=True)


async def refuse_extension(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    return await _decide_extension(services, user_id, reader, value, approve=False)


async def _decide_extension(
    services: Services, user_id: str, reader: Reader, value: str, *, approve: bool
) -> Reply:
    result = await services.extensions.decide(user_id, int(value), approve=approve)
    word = t(reader.locale, "urge_reply.approved_word" if approve else "urge_reply.refused_word")
    return msg.reply(reader.locale, "extension_decided", decision=word, number=str(result.item.number))


async def office_extension_form(
    services: Services, user_id: str, reader: Reader, value: str
) -> dict[str, Any]:
    return forms.extend_modal(reader.locale, int(value), office=True)


async def extend_by_office(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> None:
    values = _values(view)
    new_due = required_date(values["new_date"], "new_date")
    await services.extensions.extend_by_office(user_id, view_number(view), new_due, values["reason"] or "")


# -- the office's follow-up: urge again, the silent ones, coordination, calls -------------------------


async def urge_again(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    result = await services.urge_actions.manual(user_id, int(value), None)
    who = mention(result.recipients[0])
    return msg.reply(reader.locale, "manual_sent", who=who, number=str(result.item.number))


async def urge_silent(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    result = await services.urge_actions.urge_silent(user_id, int(value))
    if not result.recipients:
        return msg.reply(reader.locale, "silent_none", number=str(result.item.number))
    who = Mrkdwn(", ".join(mention(u) for u in result.recipients))
    return msg.reply(reader.locale, "silent_sent", who=who)


async def coordinate(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    result = await services.urge_actions.coordinate(user_id, int(value))
    key = "coordination_done" if result.recipients else "coordination_already"
    return msg.reply(reader.locale, key, number=str(result.item.number))


async def call_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    detail = await services.items.detail(user_id, ref)
    return forms.call_modal(reader.locale, detail.item)


async def log_call(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> Reply:
    values = _values(view)
    result = await urge_forms.log_call(
        services.urge_actions,
        user_id,
        view_number(view),
        values,
        tz=reader.tz,
        request_key=f"view:{view['id']}",
        mode=logged_mode(values.get("mode")),
    )
    return msg.urging_logged(reader.locale, result.item, logged_mode(values.get("mode")))


def _values(view: dict[str, Any]) -> dict[str, Any]:
    """Flatten view.state.values: block_id -> the one element's value, whatever its type."""
    flat: dict[str, Any] = {}
    for block_id, elements in view["state"]["values"].items():
        for element in elements.values():
            flat[block_id] = (
                element.get("value")
                or element.get("selected_date")
                or element.get("selected_user")
                or (element.get("selected_option") or {}).get("value")
            )
    return flat


async def item_card(services: Services, reader: Reader, detail: Any) -> Reply:
    """The item card plus who answered the latest urging (and, for the office, what to do next)."""
    reply = replies.item_card(reader, detail, services.ctx.settings.timezone)
    latest = await services.urge_actions.who_answered(detail.item.id)
    extra = msg.status_blocks(reader, detail.item, latest, overseer=reader.can_see_confidential)
    if len(reply["blocks"]) + len(extra) <= 50:
        reply["blocks"] = [*reply["blocks"], *extra]
    return reply
