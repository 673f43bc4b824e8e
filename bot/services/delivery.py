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
from bot.domain.items import Role
from bot.domain.people import normalise_locale
from bot.domain.ports import QueuedSend
from bot.services.context import ServiceContext
from messages import faults, replies

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
            for supervisor_id in await uow.people.users_with_role(Role.SUPERVISOR):
                if supervisor_id == send.recipient_id:
                    continue
                stored = await uow.people.get(supervisor_id)
                locale = normalise_locale(stored[0].locale if stored else None, self.ctx.settings.locale)
                key, body = self._notice(send, error, number, locale)
                await uow.send(
                    f"{FAILURE_PURPOSE}:{key}:{supervisor_id}",
                    "chat.postMessage",
                    {"channel": supervisor_id, **body},
                    now=now,
                    item_id=send.item_id,
                    purpose=FAILURE_PURPOSE,
                    recipient_id=supervisor_id,
                )

    def _notice(
        self, send: QueuedSend, error: str, number: str | None, locale: str
    ) -> tuple[str, dict[str, Any]]:
        """The office's message and its key: one key per problem, so a repeated problem is told once."""
        target = send.payload.get("channel") if send.method == "chat.postMessage" else None
        target = target if isinstance(target, str) else ""
        if error in CHANNEL_ERRORS and target.startswith(("C", "G")):
            today = self.ctx.now().astimezone(ZoneInfo(self.ctx.settings.timezone)).date().isoformat()
            body = faults.channel_unreachable(locale, channel=target, error=error)
            return f"channel:{target}:{error}:{today}", body
        person = send.recipient_id or (target if target.startswith(("U", "W")) else "")
        if error in USER_ERRORS and person:
            body = faults.user_unreachable(locale, user_id=person, number=number, error=error)
            return f"user:{person}:{send.item_id or '-'}", body
        body = replies.delivery_failed(locale, number=number, recipient=send.recipient_id, error=error)
        return f"{send.id}", body
