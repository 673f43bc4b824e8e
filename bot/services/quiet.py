"""Quiet hours applied: when an urging or reminder may reach a person (``bot.domain.quiet_hours``).
The deferred instant becomes the urge record's ``sent_at`` and the outbox row's due time, so the
database holds it: nothing is lost over a restart and its idempotency key still sends it once."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calendar import WorkCalendar
from bot.domain.items import Item
from bot.domain.people import Person
from bot.domain.quiet_hours import defer, stored
from bot.services.context import ServiceContext


def deliver_at(
    ctx: ServiceContext, person: Person, item: Item, now: datetime, calendar: WorkCalendar
) -> datetime:
    """``now``, or the end of ``person``'s quiet window when ``now`` falls inside it (urgent items
    never wait)."""
    if item.urgent:
        return now
    return defer(now, stored(person.quiet_hours), person.tz or ctx.settings.timezone, calendar)
