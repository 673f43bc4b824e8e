"""Bulletin sign-off (DUBAN_BULLETIN_SIGNOFF): the leader publishes the draft as it is, or edits it in
a form first. A click on a draft published already is told when and by whom."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.services import Services
from handlers.feedback import answer_click, on_form_button, on_submit, view_number
from handlers.routing import Reply
from messages import replies
from messages import signoff as sm
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.action(sm.PUBLISH)(publish_listener)
    app.action(sm.EDIT)(on_form_button(edit_form))
    app.view(sm.EDIT_CALLBACK)(on_submit(submit_edit, fields=(sm.NOTE,), default=sm.NOTE, confirm="signoff"))


async def publish_listener(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, services: Services
) -> None:
    """Publish as drafted: the draft message itself is replaced by the stamped copy."""
    await ack()

    async def work(user_id: str, reader: Reader, value: str) -> Reply:
        result = await services.publications.bulletins.signoff.sign(user_id, int(value))
        if not result.signed:
            label = str(result.draft.content.get("label", result.draft.period_key))
            return sm.stale(reader, label, result.signed_by, result.signed_at)
        await respond(replace_original=True, **result.body)  # the draft, stamped
        return {"text": result.body["text"]}

    await answer_click(services, body, respond, work)


async def edit_form(services: Services, user_id: str, reader: Reader, value: str) -> dict[str, Any]:
    draft = await services.publications.bulletins.signoff.edit_form(user_id, int(value))
    label = str(draft.content.get("label", draft.period_key))
    return sm.edit_modal(reader.locale, draft.id, label)


async def submit_edit(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> Reply:
    note, criticism = sm.read_edit(view["state"]["values"])
    signoff = services.publications.bulletins.signoff
    result = await signoff.sign(user_id, view_number(view), note=note, criticism=criticism)
    if result.signed:
        return replies.plain_reply(result.body["text"])
    label = str(result.draft.content.get("label", result.draft.period_key))
    return replies.plain_reply(sm.stale(reader, label, result.signed_by, result.signed_at)["text"])
