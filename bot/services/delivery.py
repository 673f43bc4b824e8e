"""What happens when Slack permanently refuses a send: it goes into the dossier and to the office."""

from __future__ import annotations

import logging

from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Role
from bot.domain.people import normalise_locale
from bot.services.context import ServiceContext
from messages import replies
from storage.outbox import ClaimedSend

log = logging.getLogger("duban.delivery")
FAILURE_PURPOSE = "delivery_failed"


class DeliveryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def record_failure(self, send: ClaimedSend, error: str) -> None:
        log.warning("send %s (%s) failed permanently: %s", send.idem_key, send.method, error)
        if send.purpose == FAILURE_PURPOSE:
            return  # a failed failure report must not start a chain of reports
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            number = None
            if send.item_id is not None:
                item = await uow.items.get(send.item_id)
                number = str(item.number) if item else None
                await uow.events.append(
                    send.item_id,
                    ItemEvent(
                        EventKind.DELIVERY_FAILED,
                        now,
                        None,
                        {
                            "user": send.recipient_id,
                            "error": error,
                            "method": send.method,
                            "purpose": send.purpose,
                        },
                    ),
                )
            for supervisor_id in await uow.people.users_with_role(Role.SUPERVISOR):
                if supervisor_id == send.recipient_id:
                    continue
                stored = await uow.people.get(supervisor_id)
                locale = normalise_locale(stored[0].locale if stored else None, self.ctx.settings.locale)
                await uow.send(
                    f"{FAILURE_PURPOSE}:{send.id}:{supervisor_id}",
                    "chat.postMessage",
                    {
                        "channel": supervisor_id,
                        **replies.delivery_failed(
                            locale, number=number, recipient=send.recipient_id, error=error
                        ),
                    },
                    now=now,
                    item_id=send.item_id,
                    purpose=FAILURE_PURPOSE,
                    recipient_id=supervisor_id,
                )
