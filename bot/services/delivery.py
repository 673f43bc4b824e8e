"""What happens when Slack permanently refuses a send: it goes into the dossier and to the office.

The office is told once per problem, not once per message: a channel the bot cannot post in
(``channel_not_found``, ``not_in_channel``, ``is_archived``) once a day per channel and error; a person who
can no longer be reached (``user_not_found``, ``account_inactive`` …) once per item, with a request to
reassign it; anything else once per failed send.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.events import EventKind, ItemEvent
from bot.domain.ports import QueuedSend
from bot.notifications import NoticeKind, Notifier
from bot.services.context import ServiceContext

log = logging.getLogger("duban.delivery")
FAILURE_PURPOSE = "delivery_failed"
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
USER_ERRORS = frozenset({"user_not_found", "account_inactive", "user_disabled", "users_not_found"})


class DeliveryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def record_failure(self, send: QueuedSend, error: str) -> None:
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
            problem, facts = self._problem(send, error)
            await Notifier(self.ctx.settings).send_all(
                uow,
                NoticeKind.DELIVERY_FAILED,
                None,
                now=now,
                key={"problem": problem},
                data={**facts, "error": error, "number": number, "recipient": send.recipient_id},
                but=send.recipient_id,
                item_id=send.item_id,
            )

    def _problem(self, send: QueuedSend, error: str) -> tuple[str, dict[str, Any]]:
        """What failed, as the key of the office's message: one key per problem, so a repeated problem
        is told once (a channel the bot cannot post in, a person gone, or this one send)."""
        target = send.payload.get("channel") if send.method == "chat.postMessage" else None
        target = target if isinstance(target, str) else ""
        if error in CHANNEL_ERRORS and target.startswith(("C", "G")):
            today = self.ctx.now().astimezone(ZoneInfo(self.ctx.settings.timezone)).date().isoformat()
            return f"channel:{target}:{error}:{today}", {"problem": "channel", "channel": target}
        person = send.recipient_id or (target if target.startswith(("U", "W")) else "")
        if error in USER_ERRORS and person:
            return f"user:{person}:{send.item_id or '-'}", {"problem": "user", "person": person}
        return f"{send.id}", {"problem": "send"}
