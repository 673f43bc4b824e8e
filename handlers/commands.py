"""The ``/duban`` slash command: parse the text, route it to one service, answer ephemerally."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import commands as grammar
from bot.domain.command_parser import parse_command
from bot.domain.errors import DomainError
from bot.domain.list_filter import filter_words, next_offset
from bot.services import Services
from bot.services.assign import AssignRequest
from handlers import urging
from handlers.routing import ROUTES, Reply, route
from messages import calendar as calendar_messages
from messages import replies
from messages.modals import assign_modal
from messages.view_models import Reader


def register(app: AsyncApp, services: Services) -> None:
    @app.command("/duban")
    async def duban(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        user_id = command["user_id"]
        reader = await services.reader(user_id)
        try:
            parsed = parse_command(command.get("text") or "")
            answer = ROUTES.get(type(parsed), _not_yet)
            reply = await answer(services, reader, parsed, command, client)
        except DomainError as error:
            reply = replies.plain_reply(replies.error_text(reader.locale, error))
        await ack(**reply) if reply else await ack()


@route(grammar.Help)
async def _help(
    services: Services, reader: Reader, parsed: Any, command: dict[str, Any], client: Any
) -> Reply:
    return replies.help_message(reader.locale, services.ctx.today())


@route(grammar.Assign)
async def _assign(
    services: Services, reader: Reader, parsed: grammar.Assign, command: dict[str, Any], client: Any
) -> Reply:
    request = AssignRequest(
        lead=parsed.lead,
        co=parsed.co,
        title=parsed.title,
        requirements=parsed.requirements or "",
        due_text=parsed.due,
        source=parsed.source,
        confidential=parsed.confidential,
        fyi=parsed.fyi,
        urgent=parsed.urgent,
        parent=parsed.parent,
        cadence=parsed.cadence,
        received=parsed.received,
        doc_number=parsed.doc_number or "",
        basis=parsed.basis or "",
    )
    # trigger_id is unique per invocation: a replayed request finds the item it already made.
    result = await services.assign.assign(
        command["user_id"], request, request_key=f"cmd:{command.get('trigger_id')}"
    )
    return replies.assigned(reader, result)


@route(grammar.New)
async def _new(
    services: Services, reader: Reader, parsed: Any, command: dict[str, Any], client: AsyncWebClient
) -> Reply:
    # The trigger expires in 3 seconds, so the modal opens now rather than through the outbox.
    await client.views_open(trigger_id=command["trigger_id"], view=assign_modal(reader.locale))
    return {}


@route(grammar.ListItems)
async def _list(
    services: Services, reader: Reader, parsed: grammar.ListItems, command: dict[str, Any], client: Any
) -> Reply:
    return await list_reply(services, reader, command["user_id"], parsed, offset=0)


async def list_reply(
    services: Services, reader: Reader, user_id: str, parsed: grammar.ListItems, *, offset: int
) -> Reply:
    """One page of a list, with a "next 30" button carrying the filter words and where to go on."""
    subject_id = None
    if parsed.scope == "user" and parsed.user is not None:
        subject_id = (await services.people.resolve_owner(parsed.user)).user_id
    result = await services.items.list_items(
        user_id, parsed.scope, subject_id, filter=parsed.filter, offset=offset
    )
    user_word = f"<@{subject_id}>" if subject_id else None
    words = filter_words(parsed.filter, "en", user_word)
    after = next_offset(result.offset, len(result.items), result.total)
    return replies.item_list(
        reader,
        result.items,
        total=result.total,
        scope=result.scope,
        subject=subject_id,
        offset=result.offset,
        filter_text=filter_words(parsed.filter, reader.locale, user_word)
        if parsed.filter.narrowing()
        else "",
        next_value=None if after is None else json.dumps({"o": after, "q": words}, ensure_ascii=False),
    )


@route(grammar.Show)
async def _show(
    services: Services, reader: Reader, parsed: grammar.Show, command: dict[str, Any], client: Any
) -> Reply:
    detail = await services.items.detail(command["user_id"], parsed.ref)
    return await urging.item_card(services, reader, detail)


@route(grammar.Language)
async def _language(
    services: Services, reader: Reader, parsed: grammar.Language, command: dict[str, Any], client: Any
) -> Reply:
    locale = await services.people.set_language(command["user_id"], parsed.locale)
    return replies.plain_reply(replies.t(locale, "reply.language_set"))


@route(grammar.Holiday)
async def _holiday(
    services: Services, reader: Reader, parsed: grammar.Holiday, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.calendar.apply(command["user_id"], parsed)
    return calendar_messages.holiday(reader, result)


async def _not_yet(
    services: Services, reader: Reader, parsed: Any, command: dict[str, Any], client: Any
) -> Reply:
    return replies.plain_reply(
        replies.t(reader.locale, "reply.command_not_ready", command=type(parsed).__name__.lower())
    )
