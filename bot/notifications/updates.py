"""Messages already sent: updating them in place (``chat.update``) and finding the item a thread is about.

Where a message was posted (its channel and timestamp) is the chat platform's business: services name
the item, the sent_for the message was sent for and whose copy it is; this module looks the copy up in
the sent-message register and queues the update through the ``Notifier`` (same redaction, same keys).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.domain.items import Item
from bot.domain.people import Person
from bot.notifications.kinds import NoticeKind
from bot.notifications.notifier import Notifier, stored_person

if TYPE_CHECKING:
    from datetime import datetime

    from bot.domain.ports import UnitOfWork


async def update_copy(
    notifier: Notifier,
    uow: UnitOfWork,
    kind: NoticeKind,
    item: Item,
    person: Person,
    *,
    sent_for: str,
    now: datetime,
    copy_of: str | None = None,
    key: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> bool:
    """Rewrite the latest message sent about ``item`` for ``sent_for`` (to ``copy_of``, when each person
    got their own) as ``kind``, read as ``person`` reads it. False when no such message was posted.

    A message still queued or being posted (a click can arrive before its post is recorded) is updated
    once it is: the update names it and the dispatcher finds it then."""
    assert item.id is not None
    ref = await uow.messages.find(item.id, sent_for, copy_of)
    if ref is not None:
        channel, ts = ref
        return await notifier.send(
            uow, kind, item, person, now=now, key=key, data=data, channel=channel, ts=ts
        )
    if not await uow.messages.on_its_way(item.id, sent_for, copy_of):
        return False
    locate = {"item": item.id, "purpose": sent_for, "user": copy_of}
    return await notifier.send(uow, kind, item, person, now=now, key=key, data=data, locate=locate)


async def update_every_copy(
    notifier: Notifier,
    uow: UnitOfWork,
    kind: NoticeKind,
    item: Item,
    *,
    sent_for: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> int:
    """Rewrite each person's latest copy of the message sent for ``sent_for`` as ``kind``, each read as
    its recipient reads it, those still on their way once they are posted; how many there were."""
    assert item.id is not None
    copies = await uow.messages.all_for(item.id, sent_for)
    for user_id, channel, ts in copies:
        person = await stored_person(uow, user_id)
        await notifier.send(uow, kind, item, person, now=now, data=data, channel=channel, ts=ts)
    posted = {user_id for user_id, _, _ in copies}
    waiting = [u for u in await uow.messages.recipients_on_their_way(item.id, sent_for) if u not in posted]
    for user_id in waiting:
        person = await stored_person(uow, user_id)
        locate = {"item": item.id, "purpose": sent_for, "user": user_id}
        await notifier.send(uow, kind, item, person, now=now, data=data, locate=locate)
    return len(copies) + len(waiting)


async def item_of_notice_thread(uow: UnitOfWork, channel: str, thread_ts: str) -> int | None:
    """The item whose supervision notice starts the thread ``thread_ts`` in ``channel``, if it is one."""
    parent = await uow.messages.item_for(channel, thread_ts)
    if parent is None or parent[1] != NoticeKind.NOTICE.value:
        return None
    return parent[0]
