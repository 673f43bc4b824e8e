"""What every use case on one item does first and last: load the item the actor names (when they may
see it), and record its change of state in the dossier."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import NotFound
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemRef
from bot.domain.lifecycle import State
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.services.context import ServiceContext
from bot.services.items import may_see


async def load_item(
    ctx: ServiceContext, uow: UnitOfWork, actor: Person, ref: ItemRef | int, *, for_update: bool = False
) -> Item:
    """The item the actor names, or NotFound when it does not exist or is hidden from them."""
    if isinstance(ref, int):
        item = await uow.items.get(ref, for_update=for_update)
        label = str(ref)
    else:
        number = ref.resolve(ctx.today().year)
        item = await uow.items.get_by_number(number, for_update=for_update)
        label = str(number)
    if item is None or not may_see(actor, item):
        raise NotFound("item_not_found", ref=label)
    return item


async def state_event(
    uow: UnitOfWork, item: Item, previous: State, actor_id: str | None, now: datetime
) -> None:
    """A STATE_CHANGED dossier event when the item's state moved from ``previous``."""
    assert item.id is not None
    if State(item.state) is not previous:
        await uow.events.append(
            item.id,
            ItemEvent(EventKind.STATE_CHANGED, now, actor_id, {"old": previous.value, "new": item.state}),
        )
