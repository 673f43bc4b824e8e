"""撤销 / 修改 / 改派 commands, the edit form, and owners deactivated in Slack."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import commands as grammar
from bot.domain.due_dates import required_date
from bot.domain.errors import DomainError
from bot.services import Services
from handlers.routing import Reply, route
from messages import corrections as msg
from messages import replies
from messages.view_models import Reader


@route(grammar.Withdraw)
async def _withdraw(
    services: Services, reader: Reader, parsed: grammar.Withdraw, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.corrections.withdraw(command["user_id"], parsed.ref, parsed.reason)
    return msg.withdrawn_reply(reader, result.item, result.told)


@route(grammar.Edit)
async def _edit(
    services: Services, reader: Reader, parsed: grammar.Edit, command: dict[str, Any], client: AsyncWebClient
) -> Reply:
    item = await services.corrections.edit_form(command["user_id"], parsed.ref)
    # The trigger expires in 3 seconds: the form opens now, not through the outbox.
    await client.views_open(trigger_id=command["trigger_id"], view=msg.edit_modal(reader.locale, item))
    return {}


@route(grammar.Reassign)
async def _reassign(
    services: Services, reader: Reader, parsed: grammar.Reassign, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.corrections.reassign(command["user_id"], parsed.ref, parsed.new, parsed.old)
    return msg.reassigned_reply(reader, result.item, result.old_id, result.new_id, result.role.value)


def register(app: AsyncApp, services: Services) -> None:
    @app.view(msg.EDIT_CALLBACK)
    async def submit_edit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        raw = msg.read_edit_state(view["state"]["values"])
        meta = json.loads(view.get("private_metadata") or "{}")
        try:
            values = msg.to_edit_values(raw, required_date(raw[msg.DUE], msg.DUE))
            await services.corrections.edit(
                user_id, int(meta["item_id"]), values, version=meta.get("version")
            )
        except DomainError as error:
            field = error.field if error.field in msg.EDIT_FIELDS else msg.TITLE
            text = replies.error_text(reader.locale, error).replace(":warning: ", "")[:150]
            await ack(response_action="errors", errors={field: text})
            return
        await ack()

    @app.event("user_change")
    async def user_changed(ack: AsyncAck, event: dict[str, Any]) -> None:
        # Written before the ack (one quick transaction): work done after it is lost if the process dies.
        user = event.get("user")
        user_id = user.get("id") if isinstance(user, dict) else None
        if isinstance(user, dict) and user.get("deleted") is True and isinstance(user_id, str) and user_id:
            profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
            names = (profile.get("display_name"), user.get("real_name"), user.get("name"))
            name = next((n for n in names if isinstance(n, str) and n), None)
            await services.corrections.owner_deactivated(user_id, name)
        await ack()
