"""召开协调会: ``/duban meeting <ID>`` opens the form; its submission records the meeting."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp

from bot.domain.errors import DomainError
from bot.domain.meetings import Meeting
from bot.services import Services
from handlers.feedback import on_submit, view_number
from handlers.routing import Reply
from messages import meetings as msg
from messages.view_models import Reader


def register(app: AsyncApp) -> None:
    app.view(msg.MEETING_CALLBACK)(
        on_submit(record_meeting, fields=msg.FIELDS, default="minutes", confirm="meeting-recorded")
    )


async def meeting_form(services: Services, user_id: str, reader: Reader, ref: Any) -> dict[str, Any]:
    detail = await services.items.detail(user_id, ref)
    return msg.meeting_modal(reader.locale, detail.item, services.ctx.today().isoformat())


async def record_meeting(services: Services, user_id: str, reader: Reader, view: dict[str, Any]) -> Reply:
    values = view["state"]["values"]

    def element(block: str) -> dict[str, Any]:
        return values.get(block, {}).get(block, {})

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
        user_id, view_number(view), meeting, request_key=f"view:{view['id']}"
    )
    return msg.meeting_recorded(reader.locale, result.item, len(result.meeting.attendees))


def _instant(reader: Reader, day: str | None, clock_time: str | None) -> datetime:
    """The meeting's date and HH:MM as the person recording it reads the clock."""
    try:
        hours, minutes = (int(part) for part in (clock_time or "").strip().split(":"))
        return datetime.combine(
            date.fromisoformat(day or ""), time(hours, minutes), tzinfo=ZoneInfo(reader.tz)
        )
    except (TypeError, ValueError):
        raise DomainError("bad_time", field="meeting_time") from None
