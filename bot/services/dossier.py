"""What an item's change returned goes to its dossier (一事一卷), in order, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from bot.domain.events import ItemEvent
from bot.domain.items import Item


class EventLog(Protocol):
    async def append(self, item_id: int, event: ItemEvent) -> ItemEvent: ...


async def append_to_dossier(events: EventLog, item: Item, changes: Iterable[ItemEvent]) -> list[ItemEvent]:
    """Append ``changes`` (the events an ``Item`` method returned); the stored events, with their seq."""
    assert item.id is not None
    return [await events.append(item.id, event) for event in changes]
