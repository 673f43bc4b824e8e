"""Reports (反馈 / 续报), thread notes, review (审核), leaders' instructions (批示) and proposals for
approval (拟办呈批): buttons, ``/duban report|review|instruct``, their modals and thread replies."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.domain import commands as grammar
from bot.domain.evidence import from_slack_files
from bot.services import Services
from handlers import approval
from handlers.feedback import by_item, on_click, on_form_button, on_submit, view_number
from handlers.routing import Reply
from messages import approval as approval_messages
from messages import report_forms as rf
from messages import reports as rm
from messages.notices import REPORT
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.action(REPORT)(on_form_button(by_item(report_form)))
    app.action(rm.REVIEW)(on_form_button(by_item(review_form)))
    app.action(rm.INSTRUCT)(on_form_button(by_item(instruct_form)))
    app.action(rm.PROPOSAL_CHANGE)(on_form_button(by_item(change_form)))
    app.action(rm.PROPOSAL_APPROVE)(on_click(approve_proposal))
    app.action(rm.PROPOSAL_REJECT)(on_form_button(by_item(approval.reject_form)))  # the reason first
    # the view id makes each submission idempotent
    app.view(rf.REPORT_CALLBACK)(on_submit(submit_report, fields=rf.REPORT_FIELDS, default=rf.KIND))
    app.view(rf.REVIEW_CALLBACK)(on_submit(submit_review, fields=rf.REVIEW_FIELDS, default=rf.DECISION))
    app.view(rf.INSTRUCT_CALLBACK)(
        on_submit(submit_instruction, fields=(rf.TEXT, rf.NEW_DUE), default=rf.TEXT)
    )
    app.view(rf.CHANGE_CALLBACK)(on_submit(submit_change, fields=(rf.LEAD, rf.DUE), default=rf.DUE))
    app.event("message")(thread_reply)


# -- the forms, opened by /duban report|review or by a button ---------------------------------------


async def report_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    form = await services.reports.report_form(user_id, ref)
    return rf.report_modal(reader.locale, form.item, co_owner=form.co_owner)


async def review_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    form = await services.reports.review.review_form(user_id, ref)
    return rf.review_modal(reader, form.item, form.report)


async def instruct_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    return rf.instruct_modal(reader.locale, await services.reports.review.instruct_form(user_id, ref))


async def change_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    return rf.change_modal(reader.locale, await services.reports.proposals.change_form(user_id, ref))


# -- /duban instruct (report and review open their forms: routing.form_route) ---------------------


async def instruct_command(
    services: Services, reader: Reader, parsed: grammar.Instruct, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.reports.review.instruct(
        command["user_id"], parsed.ref, parsed.text, request_key=f"instruct:cmd:{command.get('trigger_id')}"
    )
    return rm.instruct_done(reader, result.item, again=result.again)


# -- buttons and modal submissions ----------------------------------------------------------------


async def approve_proposal(services: Services, user_id: str, reader: Reader, value: str) -> Reply:
    result = await services.reports.proposals.decide(user_id, int(value), approve=True)
    if result.forwarded:  # two levels: the 分管领导 agreed, the principal leader decides
        return approval_messages.reviewed_done(reader, result.item, result.principal)
    return rm.proposal_done(reader, result.item, result.approved)


async def submit_report(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> None:
    raw = rf.read_report_state(view["state"]["values"])
    await services.reports.submit_report(user_id, view_number(view), raw, request_key=f"view:{view['id']}")


async def submit_review(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> None:
    raw = rf.read_review_state(view["state"]["values"])
    await services.reports.review.submit(user_id, view_number(view), raw, request_key=f"view:{view['id']}")


async def submit_instruction(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> None:
    values = rf.read_instruct_state(view["state"]["values"])
    await services.reports.review.instruct(
        user_id,
        view_number(view),
        values[rf.TEXT],
        new_due=values[rf.NEW_DUE],
        request_key=f"instruct:view:{view['id']}",
    )


async def submit_change(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> None:
    values = rf.read_change_state(view["state"]["values"])
    await services.reports.proposals.decide(
        user_id,
        view_number(view),
        approve=True,
        lead=values[rf.LEAD],
        due=values[rf.DUE],
        request_key=f"proposal:view:{view['id']}",
    )


# -- replies in the thread of a notice become notes (反馈 in the thread) -----------------------------


async def thread_reply(event: dict[str, Any], body: dict[str, Any], services: Services) -> None:
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
