"""Reports (反馈 / 续报), thread notes, review (审核), leaders' instructions (批示) and proposals for
approval (拟办呈批): buttons, ``/duban report|review|instruct``, their modals and thread replies."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import commands as grammar
from bot.domain.errors import DomainError, FieldErrors
from bot.domain.evidence import from_slack_files
from bot.domain.reports import ReportInput, ReviewInput
from bot.services import Services
from handlers.feedback import item_id_of
from handlers.routing import Reply, route
from messages import replies
from messages import report_forms as rf
from messages import reports as rm
from messages.notices import REPORT
from messages.view_models import Reader


def _field_errors(
    reader: Reader, error: DomainError, fields: tuple[str, ...], default: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for each in error.errors if isinstance(error, FieldErrors) else [error]:
        field = each.field if each.field in fields else default
        errors.setdefault(field, replies.error_text(reader.locale, each).replace(":warning: ", "")[:150])
    return errors  # every wrong field at once


def _view_item(view: dict[str, Any]) -> int:
    try:
        return int(view.get("private_metadata") or "")
    except ValueError:
        raise DomainError("stale_action", number="?") from None


async def _open_report(
    services: Services, reader: Reader, user_id: str, ref: Any, trigger: str, client: Any
) -> None:
    form = await services.reports.report_form(user_id, ref)
    await client.views_open(
        trigger_id=trigger, view=rf.report_modal(reader.locale, form.item, co_owner=form.co_owner)
    )


async def _open_review(
    services: Services, reader: Reader, user_id: str, ref: Any, trigger: str, client: Any
) -> None:
    form = await services.reports.review.review_form(user_id, ref)
    await client.views_open(trigger_id=trigger, view=rf.review_modal(reader, form.item, form.report))


async def _open_instruct(
    services: Services, reader: Reader, user_id: str, ref: Any, trigger: str, client: Any
) -> None:
    item = await services.reports.review.instruct_form(user_id, ref)
    await client.views_open(trigger_id=trigger, view=rf.instruct_modal(reader.locale, item))


async def _open_change(
    services: Services, reader: Reader, user_id: str, ref: Any, trigger: str, client: Any
) -> None:
    item = await services.reports.proposals.change_form(user_id, ref)
    await client.views_open(trigger_id=trigger, view=rf.change_modal(reader.locale, item))


# -- /duban report|review|instruct ----------------------------------------------------------------


@route(grammar.Report)
async def _report(
    services: Services,
    reader: Reader,
    parsed: grammar.Report,
    command: dict[str, Any],
    client: AsyncWebClient,
) -> Reply:
    await _open_report(services, reader, command["user_id"], parsed.ref, command["trigger_id"], client)
    return {}


@route(grammar.Review)
async def _review(
    services: Services,
    reader: Reader,
    parsed: grammar.Review,
    command: dict[str, Any],
    client: AsyncWebClient,
) -> Reply:
    await _open_review(services, reader, command["user_id"], parsed.ref, command["trigger_id"], client)
    return {}


@route(grammar.Instruct)
async def _instruct(
    services: Services,
    reader: Reader,
    parsed: grammar.Instruct,
    command: dict[str, Any],
    client: AsyncWebClient,
) -> Reply:
    result = await services.reports.review.instruct(
        command["user_id"], parsed.ref, parsed.text, request_key=f"instruct:cmd:{command.get('trigger_id')}"
    )
    return rm.instruct_done(reader, result.item, again=result.again)


def register(app: AsyncApp, services: Services) -> None:
    async def button(
        body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, opener: Any, then: Any = None
    ) -> None:
        """A button that opens a form (or acts at once): refusals go to the clicker only."""
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        reply: dict[str, Any] | None = None
        try:
            item_id = item_id_of(body)
            if item_id is None:
                raise DomainError("stale_action", number="?")
            if then is not None:
                reply = await then(user_id, reader, item_id)
            else:
                await opener(services, reader, user_id, item_id, body["trigger_id"], client)
        except DomainError as error:
            reply = replies.plain_reply(replies.error_text(reader.locale, error))
        if reply:
            await respond(response_type="ephemeral", replace_original=False, **reply)

    @app.action(REPORT)
    async def report(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        await button(body, respond, client, _open_report)

    @app.action(rm.REVIEW)
    async def review(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        await button(body, respond, client, _open_review)

    @app.action(rm.INSTRUCT)
    async def instruct(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        await button(body, respond, client, _open_instruct)

    @app.action(rm.PROPOSAL_CHANGE)
    async def change(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        await button(body, respond, client, _open_change)

    def decide(approve: bool) -> Any:
        async def then(user_id: str, reader: Reader, item_id: int) -> dict[str, Any]:
            result = await services.reports.proposals.decide(user_id, item_id, approve=approve)
            return rm.proposal_done(reader, result.item, result.approved)

        return then

    @app.action(rm.PROPOSAL_APPROVE)
    async def approve(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        await button(body, respond, client, None, decide(True))

    @app.action(rm.PROPOSAL_REJECT)
    async def reject(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        await button(body, respond, client, None, decide(False))

    # -- modal submissions: field errors go back into the modal; the view id makes them idempotent --

    @app.view(rf.REPORT_CALLBACK)
    async def submit_report(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            values = rf.read_report_state(view["state"]["values"])
            raw = ReportInput(
                kind=values[rf.KIND],
                percent=values[rf.PERCENT],
                status=values[rf.STATUS],
                done=values[rf.DONE],
                problems=values[rf.PROBLEMS],
                next_steps=values[rf.NEXT_STEPS],
                expected=values[rf.EXPECTED],
                links=values[rf.LINKS],
            )
            await services.reports.submit_report(
                user_id, _view_item(view), raw, request_key=f"view:{view['id']}"
            )
        except DomainError as error:
            await ack(
                response_action="errors", errors=_field_errors(reader, error, rf.REPORT_FIELDS, rf.KIND)
            )
            return
        await ack()

    @app.view(rf.REVIEW_CALLBACK)
    async def submit_review(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            values = rf.read_review_state(view["state"]["values"])
            raw = ReviewInput(
                decision=values[rf.DECISION],
                checked=values[rf.CHECKLIST],
                reasons=values[rf.REASONS],
                new_due=values[rf.NEW_DUE],
            )
            await services.reports.review.submit(
                user_id, _view_item(view), raw, request_key=f"view:{view['id']}"
            )
        except DomainError as error:
            await ack(
                response_action="errors", errors=_field_errors(reader, error, rf.REVIEW_FIELDS, rf.DECISION)
            )
            return
        await ack()

    @app.view(rf.INSTRUCT_CALLBACK)
    async def submit_instruction(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            values = rf.read_instruct_state(view["state"]["values"])
            await services.reports.review.instruct(
                user_id,
                _view_item(view),
                values[rf.TEXT],
                new_due=values[rf.NEW_DUE],
                request_key=f"instruct:view:{view['id']}",
            )
        except DomainError as error:
            await ack(
                response_action="errors", errors=_field_errors(reader, error, (rf.TEXT, rf.NEW_DUE), rf.TEXT)
            )
            return
        await ack()

    @app.view(rf.CHANGE_CALLBACK)
    async def submit_change(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            values = rf.read_change_state(view["state"]["values"])
            await services.reports.proposals.decide(
                user_id,
                _view_item(view),
                approve=True,
                lead=values[rf.LEAD],
                due=values[rf.DUE],
                request_key=f"proposal:view:{view['id']}",
            )
        except DomainError as error:
            await ack(
                response_action="errors", errors=_field_errors(reader, error, (rf.LEAD, rf.DUE), rf.DUE)
            )
            return
        await ack()

    # -- replies in the thread of a notice become notes (反馈 in the thread) -----------------------

    @app.event("message")
    async def thread_reply(event: dict[str, Any], body: dict[str, Any]) -> None:
        thread_ts = event.get("thread_ts")
        if (
            # edits, deletions, bot messages, joins … but a reply also sent to the channel is still a reply
            event.get("subtype") not in (None, "thread_broadcast", "file_share")
            or event.get("bot_id")
            or not event.get("user")
            or not thread_ts
            # a shape Slack never sends: ids and timestamps are strings
            or not all(isinstance(event.get(k), str) for k in ("user", "channel", "thread_ts", "ts"))
            or thread_ts == event.get("ts")
        ):
            return
        await services.reports.thread_note(
            event["user"],
            channel=event["channel"],
            thread_ts=thread_ts,
            ts=event["ts"],
            text=event["text"] if isinstance(event.get("text"), str) else "",
            event_id=body.get("event_id") or f"{event['channel']}:{event['ts']}",
            files=from_slack_files(event.get("files")),
        )
