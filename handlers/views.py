"""Modal submissions. Field errors go back into the modal; nothing is created unless all is valid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.commands import UserRef
from bot.domain.due_dates import picked_date
from bot.domain.items import SourceKind
from bot.services import Services
from bot.services.assign import AssignRequest
from handlers.feedback import submit_form
from messages.modals import (
    ASSIGN_CALLBACK,
    BASIS,
    CADENCE,
    CO,
    DOC_NUMBER,
    DUE,
    FLAGS,
    LEAD,
    RECEIVED,
    REQUIREMENTS,
    SOURCE,
    TITLE,
    read_assign_state,
)
from messages.view_models import Reader

# Errors about something other than a field are shown on the title field, the top of the form.
_FIELDS = {TITLE, REQUIREMENTS, LEAD, CO, DUE, CADENCE, SOURCE, FLAGS, RECEIVED, DOC_NUMBER, BASIS}


def register(app: AsyncApp) -> None:
    app.view(ASSIGN_CALLBACK)(submit_assignment)


async def submit_assignment(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    await submit_assignment_form(ack, services, body, view)


async def submit_assignment_form(
    ack: AsyncAck,
    services: Services,
    body: dict[str, Any],
    view: dict[str, Any],
    *,
    with_requirements: Callable[[str, str], str] = lambda _locale, text: text,
) -> None:
    """The assignment form (typed or opened from a message): one item, or its field errors in the form.
    ``with_requirements`` adds to the typed requirements (the quoted message's link)."""

    async def work(user_id: str, reader: Reader) -> None:
        values = read_assign_state(view["state"]["values"])
        request = AssignRequest(
            lead=UserRef(user_id=values[LEAD], name=None),
            co=tuple(UserRef(user_id=u, name=None) for u in values[CO]),
            title=values[TITLE],
            requirements=with_requirements(reader.locale, values[REQUIREMENTS]),
            due_date=picked_date(values[DUE], DUE),
            source=SourceKind(values[SOURCE]) if values[SOURCE] else None,
            confidential="confidential" in values[FLAGS],
            fyi="fyi" in values[FLAGS],
            urgent="urgent" in values[FLAGS],
            cadence=values[CADENCE],
            received=picked_date(values[RECEIVED], RECEIVED),
            doc_number=values[DOC_NUMBER],
            basis=values[BASIS],
            confirm_to_assigner=True,
        )
        # The view id is stable across a double submit of the same modal: one item, not two.
        await services.assign.assign(user_id, request, request_key=f"view:{view['id']}")

    # Errors about something other than a field are shown on the title field, the top of the form.
    await submit_form(ack, services, body, work, fields=_FIELDS, default=TITLE)
