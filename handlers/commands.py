"""The ``/duban`` slash command: parse the text, route it by the table below to one service, answer."""

from __future__ import annotations

import json
from contextlib import nullcontext
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import admin_commands
from bot.domain import commands as grammar
from bot.domain.command_parser import parse_command
from bot.domain.errors import DomainError
from bot.domain.list_filter import filter_words, next_offset
from bot.domain.settings_command import QuietSetting
from bot.services import Services
from bot.services.assign import AssignRequest
from handlers import admin, corrections, meetings, publications, quiet, reports, urging
from handlers.routing import Reply, Route, form_route
from messages import calendar as calendar_messages
from messages import replies
from messages.modals import assign_modal
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.command("/duban")(duban)


async def duban(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, services: Services) -> None:
    """Parse the text, run the subcommand's route, answer with what it returns (ephemeral)."""
    try:
        parsed: Any = parse_command(command.get("text") or "")
    except DomainError as error:
        parsed = error
    # A request that only reads (list, show) does all its reads, who is asking included, in one transaction.
    async with services.ctx.one_read() if type(parsed) in READ_ONLY else nullcontext():
        reader = await services.reader(command["user_id"])
        try:
            if isinstance(parsed, DomainError):
                raise parsed
            reply = await ROUTES.get(type(parsed), not_ready)(services, reader, parsed, command, client)
        except DomainError as error:
            reply = replies.plain_reply(replies.error_text(reader.locale, error))
    await ack(**reply) if reply else await ack()


async def help_command(
    services: Services, reader: Reader, parsed: Any, command: dict[str, Any], client: Any
) -> Reply:
    return replies.help_message(reader.locale, services.ctx.today())


async def assign_command(
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


async def new_command(
    services: Services, reader: Reader, parsed: Any, command: dict[str, Any], client: AsyncWebClient
) -> Reply:
    # The trigger expires in 3 seconds, so the modal opens now rather than through the outbox.
    await client.views_open(trigger_id=command["trigger_id"], view=assign_modal(reader.locale))
    return {}


async def list_command(
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


async def show_command(
    services: Services, reader: Reader, parsed: grammar.Show, command: dict[str, Any], client: Any
) -> Reply:
    detail = await services.items.detail(command["user_id"], parsed.ref)
    return await urging.item_card(services, reader, detail)


async def language_command(
    services: Services, reader: Reader, parsed: grammar.Language, command: dict[str, Any], client: Any
) -> Reply:
    locale = await services.people.set_language(command["user_id"], parsed.locale)
    return replies.plain_reply(replies.t(locale, "reply.language_set"))


async def holiday_command(
    services: Services, reader: Reader, parsed: grammar.Holiday, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.calendar.apply(command["user_id"], parsed)
    return calendar_messages.holiday(reader, result)


async def not_ready(
    services: Services, reader: Reader, parsed: Any, command: dict[str, Any], client: Any
) -> Reply:
    return replies.plain_reply(
        replies.t(reader.locale, "reply.command_not_ready", command=type(parsed).__name__.lower())
    )


# Every command type the parser returns, and the function that answers it (tests/unit/test_routes.py
# fails when a command type has none). A new subcommand: its dataclass in bot.domain.commands, its
# parser in bot.domain.command_parser, a route function in its feature's handler module, a row here.
ROUTES: dict[type, Route] = {
    grammar.Help: help_command,
    grammar.Assign: assign_command,
    grammar.New: new_command,
    grammar.ListItems: list_command,
    grammar.Show: show_command,
    grammar.Language: language_command,
    grammar.Holiday: holiday_command,
    grammar.Report: form_route(reports.report_form),
    grammar.Review: form_route(reports.review_form),
    grammar.Instruct: reports.instruct_command,
    grammar.Urge: urging.urge_command,
    grammar.Extend: urging.extend_command,
    grammar.Call: form_route(urging.call_form),
    grammar.Meeting: form_route(meetings.meeting_form),
    grammar.Bulletin: publications.bulletin_command,
    grammar.Archive: publications.archive_command,
    grammar.Export: publications.export_command,
    grammar.Withdraw: corrections.withdraw_command,
    grammar.Edit: form_route(corrections.edit_form),
    grammar.Reassign: corrections.reassign_command,
    admin_commands.RoleCommand: admin.role_command,
    admin_commands.ListRoles: admin.roles_command,
    admin_commands.ListDepartments: admin.departments_command,
    admin_commands.ChangeDepartments: admin.change_departments_command,
    QuietSetting: quiet.quiet_command,
}

# Commands that write nothing: their reads share one read-only transaction (ServiceContext.one_read).
READ_ONLY: frozenset[type] = frozenset({grammar.ListItems, grammar.Show, grammar.Help})
