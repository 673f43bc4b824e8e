"""召开协调会: ``/duban meeting <ID>`` opens the form; its submission records the meeting."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import commands as grammar
from bot.domain.errors import DomainError, FieldErrors
from bot.domain.meetings import Meeting
from bot.services import Services
from handlers.routing import Reply, route
from messages import meetings as msg
from messages import replies
from messages.view_models import Reader


@route(grammar.Meeting)
async def _meeting(
    services: Services,
    reader: Reader,
    parsed: grammar.Meeting,
    command: dict[str, Any],
    client: AsyncWebClient,
) -> Reply:
    detail = await services.items.detail(command["user_id"], parsed.ref)
    view = msg.meeting_modal(reader.locale, detail.item, services.ctx.today().isoformat())
    await client.views_open(trigger_id=command["trigger_id"], view=view)
    return {}


def register(app: AsyncApp, services: Services) -> None:
    @app.view(msg.MEETING_CALLBACK)
    async def submit_meeting(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await record_meeting(ack, services, body["user"]["id"], view)


async def record_meeting(ack: AsyncAck, services: Services, user_id: str, view: dict[str, Any]) -> None:
    reader = await services.reader(user_id)
    values = view["state"]["values"]

    def element(block: str) -> dict[str, Any]:
        return values.get(block, {}).get(block, {})

    try:
        held_at = _instant(
            reader, element("meeting_date").get("selected_date"), element("meeting_time").get("value")
        )
        meeting = Meeting(
            held_at=held_at,
            attendees=tuple(element("attendees").get("selected_users") or ()),
            minutes=element("minutes").get("value") or "",
            outcome=element("outcome").get("value") or "",
        )
        result = await services.meetings.record(
            user_id, int(view["private_metadata"]), meeting, request_key=f"view:{view['id']}"
        )
    except DomainError as error:
        errors: dict[str, str] = {}
        for each in error.errors if isinstance(error, FieldErrors) else [error]:
            field = each.field if each.field in msg.FIELDS else "minutes"
            errors.setdefault(field, replies.error_text(reader.locale, each).replace(":warning: ", "")[:150])
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    await services.notify(
        user_id,
        msg.meeting_recorded(reader.locale, result.item, len(result.meeting.attendees)),
        key=f"meeting-recorded:{view['id']}",
    )


def _instant(reader: Reader, day: str | None, clock_time: str | None) -> datetime:
    """The meeting's date and HH:MM as the person recording it reads the clock."""
    try:
        hours, minutes = (int(part) for part in (clock_time or "").strip().split(":"))
        return datetime.combine(
            date.fromisoformat(day or ""), time(hours, minutes), tzinfo=ZoneInfo(reader.tz)
        )
    except (TypeError, ValueError):
        raise DomainError("bad_time", field="meeting_time") from None
