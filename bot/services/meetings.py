"""召开协调会: record a coordination meeting (time, attendees, minutes, outcome) into the item's
dossier and tell each attendee, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import permissions
from bot.domain.errors import NotFound
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item
from bot.domain.meetings import Meeting, check_meeting, meeting_payload
from bot.notifications import NoticeKind, stored_person
from bot.services.base import Service


@dataclass(slots=True)
class MeetingResult:
    item: Item
    meeting: Meeting
    created: bool = True  # False: the same form had already been recorded


class MeetingService(Service):
    async def record(
        self, actor_id: str, item_id: int, meeting: Meeting, *, request_key: str
    ) -> MeetingResult:
        """Leaders and the supervision office record meetings (the right to urge and coordinate)."""
        await self.authorised(actor_id, permissions.Action.URGE)
        now = self.ctx.now()
        meeting = check_meeting(meeting, now)
        async with self.ctx.uow() as uow:
            item = await uow.items.get(item_id, for_update=True)
            if item is None:
                raise NotFound("item_not_found", ref=str(item_id))
            assert item.id is not None
            done = [
                e
                for e in await uow.events.for_item(item.id)
                if e.kind is EventKind.MEETING_HELD and e.payload.get("request_key") == request_key
            ]
            if done:
                return MeetingResult(item, meeting, created=False)
            event = await uow.events.append(
                item.id,
                ItemEvent(
                    EventKind.MEETING_HELD,
                    now,
                    actor_id,
                    {**meeting_payload(meeting), "request_key": request_key},
                ),
            )
            data = {**meeting_payload(meeting), "by": actor_id}
            for user_id in meeting.attendees:
                person = await stored_person(uow, user_id)
                await self.notifier.send(
                    uow, NoticeKind.MEETING, item, person, now=now, key={"seq": event.seq}, data=data
                )
        return MeetingResult(item, meeting)
