"""Urging (催办): check-in answers, written notices, escalations, call logs, manual urging, extensions."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import commands as grammar
from bot.domain.due_dates import picked_date, required_date
from bot.domain.errors import DomainError
from bot.domain.urge_modes import logged_mode
from bot.domain.urging import Answer
from bot.services import Services
from handlers.feedback import answer_click, item_id_of
from handlers.routing import Reply, route
from messages import replies
from messages import urging as msg
from messages.calendar import with_notes
from messages.i18n import format_date, format_datetime, t
from messages.notices import EXTEND
from messages.text import Mrkdwn, mention
from messages.view_models import Reader


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")


def _error(reader: Reader, error: DomainError) -> Reply:
    return replies.plain_reply(replies.error_text(reader.locale, error))


@route(grammar.Urge)
async def _urge(
    services: Services, reader: Reader, parsed: grammar.Urge, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.urge_actions.manual(command["user_id"], parsed.ref, parsed.note)
    return msg.reply(
        reader.locale, "manual_sent", who=mention(result.recipients[0]), number=str(result.item.number)
    )


@route(grammar.Extend)
async def _extend(
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


@route(grammar.Call)
async def _call(
    services: Services, reader: Reader, parsed: grammar.Call, command: dict[str, Any], client: AsyncWebClient
) -> Reply:
    detail = await services.items.detail(command["user_id"], parsed.ref)
    await client.views_open(trigger_id=command["trigger_id"], view=msg.call_modal(reader.locale, detail.item))
    return {}


def register(app: AsyncApp, services: Services) -> None:
    async def answer(respond: AsyncRespond, reply: Reply) -> None:
        await respond(response_type="ephemeral", replace_original=False, **reply)

    @app.action(msg.ANSWER_ACTION)
    async def check_in_answer(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()

        async def work(user_id: str, reader: Reader, value: str) -> Reply:
            record_id, _, answer = value.partition(":")
            return _answered(
                reader, await services.urge_actions.answer(user_id, int(record_id), Answer(answer))
            )

        await answer_click(services, body, respond, work)

    @app.action(msg.SNOOZE)
    async def snooze(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()

        async def work(user_id: str, reader: Reader, value: str) -> Reply:
            result = await services.urge_actions.answer(user_id, int(value), Answer.SNOOZED)
            if result.already:
                return _answered(reader, result)
            until = datetime.fromisoformat(result.item.urge_plan["snoozed_until"])
            return msg.reply(reader.locale, "snoozed", until=format_datetime(until, reader.locale, reader.tz))

        await answer_click(services, body, respond, work)

    @app.action(msg.NOTICE_ANSWER)
    async def open_notice_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        reader = await services.reader(body["user"]["id"])
        await client.views_open(
            trigger_id=body["trigger_id"], view=msg.notice_answer_modal(reader.locale, int(_value(body)))
        )

    @app.view(msg.NOTICE_CALLBACK)
    async def submit_notice_answer(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        values = _values(view)
        try:
            result, extension = await services.urge_actions.answer_notice(
                user_id,
                int(view["private_metadata"]),
                reason=values["reason"] or "",
                progress=values["progress"] or "",
                new_date=required_date(values["new_date"], "new_date"),
                request_key=f"view:{view['id']}",
            )
        except DomainError as error:
            await ack(response_action="errors", errors={error.field or "reason": _short(reader, error)})
            return
        await ack()
        reply = (
            _answered(reader, result)  # answered before (another copy, or a report): nothing new saved
            if result.already
            else msg.reply(
                reader.locale,
                "notice_answered",
                number=str(result.item.number),
                extension=extension,
                date=format_date(date.fromisoformat(values["new_date"]), reader.locale),
            )
        )
        await services.notify(
            user_id,
            reply,
            key=f"notice-answered:{view['id']}",
        )

    @app.action(EXTEND)
    async def open_extension_form(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        reader = await services.reader(body["user"]["id"])
        item_id = item_id_of(body)
        if item_id is None:
            await answer(respond, _error(reader, DomainError("stale_action", number="?")))
            return
        await client.views_open(trigger_id=body["trigger_id"], view=msg.extend_modal(reader.locale, item_id))

    @app.view(msg.EXTEND_CALLBACK)
    async def submit_extension(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        values = _values(view)
        try:
            new_due = required_date(values["new_date"], "new_date")
            result = await services.extensions.request(
                user_id,
                int(view["private_metadata"]),
                new_due,
                values["reason"] or "",
                request_key=f"view:{view['id']}",
            )
        except DomainError as error:
            await ack(response_action="errors", errors={error.field or "reason": _short(reader, error)})
            return
        await ack()
        await services.notify(
            user_id,
            with_notes(
                msg.reply(
                    reader.locale,
                    "extension_requested",
                    number=str(result.item.number),
                    date=format_date(new_due, reader.locale),
                ),
                reader.locale,
                result.notes,
            ),
            key=f"extension-requested:{view['id']}",
        )

    async def decide_extension(body: dict[str, Any], respond: AsyncRespond, approve: bool) -> None:
        async def work(user_id: str, reader: Reader, value: str) -> Reply:
            result = await services.extensions.decide(user_id, int(value), approve=approve)
            word = t(reader.locale, "urge_reply.approved_word" if approve else "urge_reply.refused_word")
            return msg.reply(
                reader.locale, "extension_decided", decision=word, number=str(result.item.number)
            )

        await answer_click(services, body, respond, work)

    @app.action(msg.EXT_APPROVE)
    async def approve_extension(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await decide_extension(body, respond, True)

    @app.action(msg.EXT_REFUSE)
    async def refuse_extension(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await decide_extension(body, respond, False)

    @app.action(msg.URGE_AGAIN)
    async def urge_again(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()

        async def work(user_id: str, reader: Reader, value: str) -> Reply:
            result = await services.urge_actions.manual(user_id, int(value), None)
            who = mention(result.recipients[0])
            return msg.reply(reader.locale, "manual_sent", who=who, number=str(result.item.number))

        await answer_click(services, body, respond, work)

    @app.action(msg.SILENT)
    async def urge_silent(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()

        async def work(user_id: str, reader: Reader, value: str) -> Reply:
            result = await services.urge_actions.urge_silent(user_id, int(value))
            if not result.recipients:
                return msg.reply(reader.locale, "silent_none", number=str(result.item.number))
            who = Mrkdwn(", ".join(mention(u) for u in result.recipients))
            return msg.reply(reader.locale, "silent_sent", who=who)

        await answer_click(services, body, respond, work)

    @app.action(msg.COORDINATE)
    async def coordinate(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()

        async def work(user_id: str, reader: Reader, value: str) -> Reply:
            result = await services.urge_actions.coordinate(user_id, int(value))
            key = "coordination_done" if result.recipients else "coordination_already"
            return msg.reply(reader.locale, key, number=str(result.item.number))

        await answer_click(services, body, respond, work)

    @app.action(msg.OFFICE_EXTEND)
    async def open_office_extension(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        reader = await services.reader(body["user"]["id"])
        view = msg.extend_modal(reader.locale, int(_value(body)), office=True)
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(msg.OFFICE_EXTEND_CALLBACK)
    async def submit_office_extension(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        values = _values(view)
        try:
            await services.extensions.extend_by_office(
                user_id,
                int(view["private_metadata"]),
                required_date(values["new_date"], "new_date"),
                values["reason"] or "",
            )
        except DomainError as error:
            await ack(response_action="errors", errors={error.field or "new_date": _short(reader, error)})
            return
        await ack()

    @app.action(msg.LOG_CALL)
    async def open_call_form(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            detail = await services.items.detail(user_id, int(_value(body)))
        except (ValueError, DomainError) as error:
            await answer(
                respond,
                _error(
                    reader,
                    error if isinstance(error, DomainError) else DomainError("stale_action", number="?"),
                ),
            )
            return
        await client.views_open(
            trigger_id=body["trigger_id"], view=msg.call_modal(reader.locale, detail.item)
        )

    @app.view(msg.CALL_CALLBACK)
    async def submit_call(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        values = _values(view)
        try:
            called_at = _instant(reader, values["call_date"], values["call_time"])
            promised = picked_date(values.get("promised"), "promised")
            result = await services.urge_actions.log_call(
                user_id,
                int(view["private_metadata"]),
                callee_id=values["callee"],
                called_at=called_at,
                answered_by=values["answered_by"] or "",
                summary=values["summary"] or "",
                promised=promised,
                request_key=f"view:{view['id']}",
                mode=logged_mode(values.get("mode")),
            )
        except DomainError as error:
            await ack(response_action="errors", errors={error.field or "summary": _short(reader, error)})
            return
        await ack()
        await services.notify(
            user_id,
            msg.urging_logged(reader.locale, result.item, logged_mode(values.get("mode"))),
            key=f"call-logged:{view['id']}",
        )


def _answered(reader: Reader, result: Any) -> Reply:
    loc = reader.locale
    answer_text = t(loc, f"answer.{result.record.answer}")
    if result.already:
        at = format_datetime(result.record.answered_at, loc, reader.tz)
        return msg.reply(loc, "already_answered", at=at, answer=answer_text)
    return msg.reply(loc, "answered", number=str(result.item.number), answer=answer_text)


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


def _instant(reader: Reader, day: str, clock_time: str | None) -> datetime:
    """A date and HH:MM typed by someone, in their own timezone."""
    try:
        hours, minutes = (int(part) for part in (clock_time or "").strip().split(":"))
        local = datetime.combine(date.fromisoformat(day), time(hours, minutes), tzinfo=ZoneInfo(reader.tz))
    except (TypeError, ValueError):
        raise DomainError("bad_time", field="call_time") from None
    return local


def _short(reader: Reader, error: DomainError) -> str:
    return replies.error_text(reader.locale, error).replace(":warning: ", "")[:150]


async def item_card(services: Services, reader: Reader, detail: Any) -> Reply:
    """The item card plus who answered the latest urging (and, for the office, what to do next)."""
    reply = replies.item_card(reader, detail, services.ctx.settings.timezone)
    latest = await services.urge_actions.who_answered(detail.item.id)
    extra = msg.status_blocks(reader, detail.item, latest, overseer=reader.can_see_confidential)
    if len(reply["blocks"]) + len(extra) <= 50:
        reply["blocks"] = [*reply["blocks"], *extra]
    return reply
