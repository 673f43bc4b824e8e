"""拟办呈批 rejections: 不同意 opens a form for the reason, which the proposer is shown."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers.feedback import on_submit, view_number
from handlers.routing import Reply
from messages import approval as am
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.view(am.REJECT_CALLBACK)(
        on_submit(reject, fields=(am.REASON,), default=am.REASON, confirm="proposal-rejected-done")
    )


async def reject_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    """The 不同意 button: the reason form, for whoever the proposal waits for."""
    item = await services.reports.proposals.reject_form(user_id, ref)
    return am.reject_modal(reader.locale, item)


async def reject(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> Reply | None:
    result = await services.reports.proposals.decide(
        user_id,
        view_number(view),
        approve=False,
        reason=am.read_reason(view["state"]["values"]),
        request_key=f"proposal:view:{view['id']}",
    )
    return None if result.again else am.rejected_done(reader, result.item)
