"""拟办呈批 rejections: 不同意 opens a form for the reason, which the proposer is shown."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.errors import DomainError
from bot.services import Services
from handlers.form_errors import field_errors
from messages import approval as am
from messages.view_models import Reader


async def open_reject(
    services: Services, reader: Reader, user_id: str, item_id: int, trigger: str, client: Any
) -> None:
    """The 不同意 button: the reason form, for whoever the proposal waits for."""
    item = await services.reports.proposals.reject_form(user_id, item_id)
    await client.views_open(trigger_id=trigger, view=am.reject_modal(reader.locale, item))


def register(app: AsyncApp, services: Services) -> None:
    @app.view(am.REJECT_CALLBACK)
    async def submit_reject(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        reader = await services.reader(user_id)
        try:
            result = await services.reports.proposals.decide(
                user_id,
                int(view.get("private_metadata") or 0),
                approve=False,
                reason=am.read_reason(view["state"]["values"]),
                request_key=f"proposal:view:{view['id']}",
            )
        except DomainError as error:
            await ack(response_action="errors", errors=field_errors(reader.locale, error, am.REASON))
            return
        await ack()
        if not result.again:
            await services.notify(
                user_id, am.rejected_done(reader, result.item), key=f"proposal-rejected-done:{view['id']}"
            )
