"""DING-style read status: whoever sent an urging sees who has answered it, live.

The sender gets one tracker message per urging round (a written notice: the item's assigner; an
urging by hand: the person who urged). Each answer updates it in place through the outbox.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.items import Item
from bot.domain.ports import UnitOfWork
from bot.domain.urge_records import UrgeRecord
from bot.notifications import NoticeKind, Notifier, stored_person
from bot.notifications.updates import update_copy
from bot.services.people import PeopleService


def same_round(records: list[UrgeRecord], record: UrgeRecord) -> list[UrgeRecord]:
    """The records sent together with ``record`` (one urging to several people)."""
    return [
        r
        for r in records
        if r.rung == record.rung and r.round == record.round and r.created_at == record.created_at
    ]


async def post(
    uow: UnitOfWork,
    people: PeopleService,
    item: Item,
    records: list[UrgeRecord],
    sender_id: str,
    now: datetime,
) -> None:
    first = min(records, key=lambda r: r.id or 0)
    assert item.id is not None and first.id is not None
    await Notifier(people.ctx.settings).send(
        uow,
        NoticeKind.TRACKER,
        item,
        await stored_person(uow, sender_id),
        now=now,
        key={"record": first.id},
        data={"records": records},
        purpose=f"tracker:{first.id}",
    )


async def refresh(
    uow: UnitOfWork, people: PeopleService, item: Item, answered: UrgeRecord, now: datetime
) -> None:
    """After an answer: update the sender's tracker of that round, if there is one."""
    assert item.id is not None
    records = same_round(await uow.urging.for_item(item.id), answered)
    if not records:
        return
    first = min(records, key=lambda r: r.id or 0)
    sender_id = first.actor_id or item.assigner_id
    await update_copy(
        Notifier(people.ctx.settings),
        uow,
        NoticeKind.TRACKER_UPDATE,
        item,
        await stored_person(uow, sender_id),
        sent_for=f"tracker:{first.id}",
        now=now,
        key={"record": first.id, "answered": answered.id, "at": now.isoformat()},
        data={"records": records},
    )
