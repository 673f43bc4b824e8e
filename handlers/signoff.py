"""Bulletin sign-off (DUBAN_BULLETIN_SIGNOFF): the leader publishes the draft as it is, or edits it in
a form first. A click on a draft published already is told when and by whom."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.services import Services
from handlers.feedback import answer_click
from handlers.form_errors import field_errors
from messages import replies
from messages import signoff as sm
from messages.view_models import Reader


def register(app: AsyncApp, services: Services) -> None:
    signoff = services.publications.bulletins.signoff

    @app.action(sm.PUBLISH)
    async def publish(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()

        async def work(user_id: str, reader: Reader, value: str) -> dict[str, Any]:
            result = await signoff.sign(user_id, int(value))
            if not result.signed:
                label = str(result.draft.content.get("label", result.draft.period_key))
                return sm.stale(reader, label, result.signed_by, result.signed_at)
            await respond(replace_original=True, **result.body)  # the draft, stamped
            return {"text": result.body["text"]}

        await answer_click(services, body, respond, work)

    @app.action(sm.EDIT)
    async def open_edit(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            draft = await signoff.edit_form(user_id, int((body.get("actions") or [{}])[0].get("value")))
        except (DomainError, ValueError, TypeError) as error:
            refusal = error if isinstance(error, DomainError) else DomainError("stale_action", number="?")
            await respond(
                response_type="ephemeral",
                replace_original=False,
                **replies.plain_reply(replies.error_text(reader.locale, refusal)),
            )
            return
        label = str(draft.content.get("label", draft.period_key))
        await client.views_open(
            trigger_id=body["trigger_id"], view=sm.edit_modal(reader.locale, draft.id, label)
        )

    @app.view(sm.EDIT_CALLBACK)
    async def submit_edit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        note, criticism = sm.read_edit(view["state"]["values"])
        try:
            result = await signoff.sign(
                user_id, int(view.get("private_metadata") or 0), note=note, criticism=criticism
            )
        except DomainError as error:
            await ack(response_action="errors", errors=field_errors(reader.locale, error, sm.NOTE))
            return
        await ack()
        label = str(result.draft.content.get("label", result.draft.period_key))
        reply = (
            {"text": result.body["text"]}
            if result.signed
            else sm.stale(reader, label, result.signed_by, result.signed_at)
        )
        await services.notify(user_id, replies.plain_reply(reply["text"]), key=f"signoff:{view['id']}")
