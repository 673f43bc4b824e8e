"""撤销 / 修改 / 改派 commands, the edit form, and owners deactivated in Slack."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain import commands as grammar
from bot.domain.due_dates import required_date
from bot.services import Services
from handlers.feedback import on_submit
from handlers.routing import Reply
from messages import corrections as msg
from messages.view_models import Reader


async def withdraw_command(
    services: Services, reader: Reader, parsed: grammar.Withdraw, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.corrections.withdraw(command["user_id"], parsed.ref, parsed.reason)
    return msg.withdrawn_reply(reader, result.item, result.told)


async def edit_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    item = await services.corrections.edit_form(user_id, ref)
    return msg.edit_modal(reader.locale, item)


async def reassign_command(
    services: Services, reader: Reader, parsed: grammar.Reassign, command: dict[str, Any], client: Any
) -> Reply:
    result = await services.corrections.reassign(command["user_id"], parsed.ref, parsed.new, parsed.old)
    return msg.reassigned_reply(reader, result.item, result.old_id, result.new_id, result.role.value)


def register(app: AsyncApp) -> None:
    app.view(msg.EDIT_CALLBACK)(on_submit(submit_edit, fields=msg.EDIT_FIELDS, default=msg.TITLE))
    app.event("user_change")(user_changed)


async def submit_edit(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> None:
    raw = msg.read_edit_state(view["state"]["values"])
    meta = json.loads(view.get("private_metadata") or "{}")
    values = msg.to_edit_values(raw, required_date(raw[msg.DUE], msg.DUE))
    await services.corrections.edit(user_id, int(meta["item_id"]), values, version=meta.get("version"))


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
