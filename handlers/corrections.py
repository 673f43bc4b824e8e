"""撤销 / 修改 / 改派 commands, the edit form, and owners deactivated in Slack."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import commands as grammar
from bot.domain.due_dates import required_date
from bot.services import Services
from handlers.feedback import submit_form
from handlers.routing import Reply
from messages import corrections as msg
from messages.view_models import Reader


async def withdraw_command(
    services: Services, reader: Reader, parsed: grammar.Withdraw, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.corrections.withdraw(command["user_id"], parsed.ref, parsed.reason)
    return msg.withdrawn_reply(reader, result.item, result.told)


async def edit_command(
    services: Services, reader: Reader, parsed: grammar.Edit, command: dict[str, Any], client: AsyncWebClient
) -> Reply:
    item = await services.corrections.edit_form(command["user_id"], parsed.ref)
    # The trigger expires in 3 seconds: the form opens now, not through the outbox.
    await client.views_open(trigger_id=command["trigger_id"], view=msg.edit_modal(reader.locale, item))
    return {}


async def reassign_command(
    services: Services, reader: Reader, parsed: grammar.Reassign, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.corrections.reassign(command["user_id"], parsed.ref, parsed.new, parsed.old)
    return msg.reassigned_reply(reader, result.item, result.old_id, result.new_id, result.role.value)


def register(app: AsyncApp) -> None:
    app.view(msg.EDIT_CALLBACK)(submit_edit)
    app.event("user_change")(user_changed)


async def submit_edit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    async def work(user_id: str, reader: Reader) -> None:
        raw = msg.read_edit_state(view["state"]["values"])
        meta = json.loads(view.get("private_metadata") or "{}")
        values = msg.to_edit_values(raw, required_date(raw[msg.DUE], msg.DUE))
        await services.corrections.edit(user_id, int(meta["item_id"]), values, version=meta.get("version"))

    await submit_form(ack, services, body, work, fields=msg.EDIT_FIELDS, default=msg.TITLE)


async def user_changed(ack: AsyncAck, event: dict[str, Any], services: Services) -> None:
    # Written before the ack (one quick transaction): work done after it is lost if the process dies.
    user = event.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    if isinstance(user, dict) and user.get("deleted") is True and isinstance(user_id, str) and user_id:
        profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
        names = (profile.get("display_name"), user.get("real_name"), user.get("name"))
        name = next((n for n in names if isinstance(n, str) and n), None)
        await services.corrections.owner_deactivated(user_id, name)
    await ack()
