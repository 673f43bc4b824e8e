"""Sending a notice: who receives it, what each of them may read, and the outbox row with its key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, Role
from bot.domain.people import Person, normalise_locale
from bot.domain.permissions import cleared
from bot.domain.read_models import Reader
from bot.domain.repositories import LOCATE_ORIGINAL, OutgoingCall
from bot.notifications.kinds import Audience, NoticeKind, Redaction
from bot.notifications.table import NOTICES
from messages.i18n import t

if TYPE_CHECKING:
    from bot.domain.ports import UnitOfWork


# Notices the dossier (一事一卷) records as sent: the 督查通知单 / 转办单 and a new owner's notice (改派).
RECORDED = frozenset({NoticeKind.NOTICE, NoticeKind.HANDED_OVER})


class OrgSettings(Protocol):
    locale: str
    timezone: str


class Notifier:
    """The one place that decides, per notice kind, the audience, the redaction and the key."""

    def __init__(self, settings: OrgSettings) -> None:
        self.settings = settings

    def reader(self, person: Person | str, item: Item | None, kind: NoticeKind) -> Reader:
        """How to write to ``person`` about ``item`` under the kind's redaction rule (a channel or an
        address, given as a string, is read in the organisation's language by anyone: no clearance)."""
        if isinstance(person, str):
            return Reader(person, self.settings.locale, self.settings.timezone, can_see_confidential=False)
        redaction = NOTICES[kind].redaction
        if redaction is Redaction.ALWAYS:
            clear = False
        elif redaction in (Redaction.PARTICIPANT, Redaction.PRERENDERED):
            clear = True
        elif redaction is Redaction.CLEARANCE and item is not None:
            clear = cleared(person, item)
        else:
            clear = cleared(person)
        return Reader(
            user_id=person.user_id,
            locale=normalise_locale(person.locale or None, self.settings.locale),
            tz=person.tz or self.settings.timezone,
            can_see_confidential=clear,
        )

    async def audience(
        self,
        uow: UnitOfWork,
        kind: NoticeKind,
        item: Item | None,
        *,
        also: tuple[str, ...] = (),
        but: str | None = None,
        known: Mapping[str, Person] | None = None,
    ) -> list[Person]:
        """The people a kind goes to, for audiences that follow from the item and the organisation
        (``also``: the people the event names, e.g. who asked for the extension, listed first;
        ``but``: someone the event excludes, e.g. the recipient a failed send was for; ``known``:
        profiles the caller already loaded, e.g. a sweep's owners, so they are not looked up again).
        Deactivated people stay in the list unless the audience says "active"."""
        rule = NOTICES[kind]
        ids = [user_id for user_id in await self._ids(uow, rule.audience, kind, item, also) if user_id != but]
        known = known or {}
        return [
            known[user_id] if user_id in known else await stored_person(uow, user_id)
            for user_id in dict.fromkeys(ids)
        ]

    async def _ids(
        self, uow: UnitOfWork, audience: Audience, kind: NoticeKind, item: Item | None, also: tuple[str, ...]
    ) -> list[str]:
        ids: list[str]
        match audience:
            case Audience.LEADERS:  # the active ones: a proposal or 督查反馈 waits for an answer
                return await active_holders(uow, Role.LEADER)
            case Audience.OFFICE:
                return await active_holders(uow, Role.SUPERVISOR)
            case Audience.EVERY_SUPERVISOR:
                return await uow.people.users_with_role(Role.SUPERVISOR)
            case Audience.ADMINS_AND_OFFICE:
                everyone = {
                    *await uow.people.users_with_role(Role.ADMIN),
                    *await uow.people.users_with_role(Role.SUPERVISOR),
                }
                return sorted(everyone)
        if item is None:
            raise ValueError(f"{kind}: the {audience} of which item?")
        match audience:
            case Audience.LEAD_OWNER:
                ids = [item.lead.user_id]
            case Audience.OWNERS:
                ids = [o.user_id for o in item.owners]
            case Audience.LEAD_AND_HEADS:
                ids = [item.lead.user_id]
                for department in await uow.people.departments_of(item.lead.user_id):
                    if department.head_user_id:
                        ids.append(department.head_user_id)
            case Audience.RESPONSIBLE_LEADER_AND_OFFICE:
                # The unit's 分管领导 (organisation file) and the assigning leader; else every leader.
                unit_leaders = [
                    d.leader_user_id
                    for d in await uow.people.departments_of(item.lead.user_id)
                    if d.leader_user_id
                ]
                assigner = await uow.people.get(item.assigner_id)
                leaders = [item.assigner_id] if assigner and Role.LEADER in assigner[0].roles else []
                leaders = list(dict.fromkeys([*unit_leaders, *leaders]))
                leaders = leaders or await uow.people.users_with_role(Role.LEADER)
                ids = [*leaders, *await uow.people.users_with_role(Role.SUPERVISOR)]
            case Audience.OFFICE_AND_ASSIGNER:
                ids = [item.assigner_id, *await uow.people.users_with_role(Role.SUPERVISOR)]
            case Audience.ASSIGNER:
                ids = [item.assigner_id]
            case Audience.REQUESTER:
                ids = [*also, *(o.user_id for o in item.owners)]
            case _:
                raise ValueError(f"{kind}: the caller names the audience ({audience})")
        return ids

    def render(
        self, kind: NoticeKind, item: Item | None, person: Person | str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """The message of ``kind`` about ``item`` as ``person`` may read it."""
        reader = self.reader(person, item, kind)
        shown = redacted(item, reader) if item is not None else None
        return NOTICES[kind].builder(shown, reader, data)

    async def send(
        self,
        uow: UnitOfWork,
        kind: NoticeKind,
        item: Item | None,
        person: Person | str,
        *,
        now: datetime,
        key: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        purpose: str | None = None,
        channel: str | None = None,
        ts: str | None = None,
        item_id: int | None = None,
        not_before: datetime | None = None,
        locate: dict[str, Any] | None = None,
    ) -> bool:
        """Render ``kind`` for ``person`` (redacted as the table says) and queue it in ``uow``
        (``not_before``: not sent before then, e.g. the end of the person's quiet hours).

        ``person`` is whom it is for: a person (a DM, or an upload to them), or a string for a channel
        or an address nobody in particular reads. ``item_id`` ties a notice not rendered from an item
        to one. Returns False when a row with the same idempotency key already exists.
        ``channel``/``ts`` address an update in place (``chat.update``); ``locate`` instead names a
        message still on its way, which the dispatcher finds once it is posted (``LOCATE_ORIGINAL``).
        """
        rule = NOTICES[kind]
        if item is not None:
            assert item.id is not None
            item_id = item.id
        body = self.render(kind, item, person, data or {})
        to = person if isinstance(person, str) else person.user_id
        idem = rule.key.format(item=item_id, user=to, **(key or {}))
        if rule.method == "chat.update":
            payload = {"channel": channel, "ts": ts, **body}
            if locate is not None:
                payload[LOCATE_ORIGINAL] = locate
            return await uow.send(idem, rule.method, payload, now=now, item_id=item_id)
        call = self._call(rule, kind, body, idem, person, item_id, purpose, channel, not_before)
        queued = await uow.send(
            call.idem_key,
            call.method,
            call.payload,
            now=now,
            item_id=call.item_id,
            purpose=call.purpose,
            recipient_id=call.recipient_id,
            not_before=call.not_before,
        )
        if queued and kind in RECORDED and item_id is not None:
            # The dossier records that the notice went out, to whom and when (once per key).
            event = ItemEvent(EventKind.NOTICE_SENT, now, None, {"user": to, "notice": kind.value})
            await uow.events.append(item_id, event)
        return queued

    def outgoing(
        self,
        kind: NoticeKind,
        item: Item | None,
        person: Person | str,
        *,
        key: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        purpose: str | None = None,
        not_before: datetime | None = None,
    ) -> OutgoingCall:
        """What ``send`` queues (a new message, not an update in place), as a value: a sweep queues many
        at once (``UnitOfWork.send_many``). Kinds the dossier records (``RECORDED``) are the caller's to
        record."""
        rule = NOTICES[kind]
        assert item is not None and item.id is not None
        body = self.render(kind, item, person, data or {})
        to = person if isinstance(person, str) else person.user_id
        idem = rule.key.format(item=item.id, user=to, **(key or {}))
        return self._call(rule, kind, body, idem, person, item.id, purpose, None, not_before)

    @staticmethod
    def _call(
        rule: Any,
        kind: NoticeKind,
        body: dict[str, Any],
        idem: str,
        person: Person | str,
        item_id: int | None,
        purpose: str | None,
        channel: str | None,
        not_before: datetime | None,
    ) -> OutgoingCall:
        to = person if isinstance(person, str) else person.user_id
        payload = {"channel": channel or to, **body} if rule.method == "chat.postMessage" else body
        return OutgoingCall(
            idem,
            rule.method,
            payload,
            item_id=item_id,
            purpose=purpose or (kind.value if rule.purpose == "" else rule.purpose),
            recipient_id=None if isinstance(person, str) else person.user_id,
            not_before=not_before,
        )

    async def send_all(
        self,
        uow: UnitOfWork,
        kind: NoticeKind,
        item: Item | None,
        *,
        now: datetime,
        key: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        also: tuple[str, ...] = (),
        but: str | None = None,
        item_id: int | None = None,
    ) -> list[Person]:
        """``send`` to the kind's whole audience; returns who got a new row."""
        sent = []
        for person in await self.audience(uow, kind, item, also=also, but=but):
            sent_now = await self.send(uow, kind, item, person, now=now, key=key, data=data, item_id=item_id)
            if sent_now:
                sent.append(person)
        return sent


def redacted(item: Item, reader: Reader) -> Item:
    """The item as ``reader`` may read it: without clearance, a confidential item is "🔒 a confidential
    item" and its number, with no requirements (whatever the builder then shows of it)."""
    if not item.confidential or reader.can_see_confidential:
        return item
    label = t(reader.locale, "seam.confidential_item", number=str(item.number))
    return replace(item, title=label, requirements="")


async def active_holders(uow: UnitOfWork, role: Role) -> list[str]:
    """Holders of ``role`` who can still read a message (not deactivated, not bots)."""
    people = [await stored_person(uow, user_id) for user_id in await uow.people.users_with_role(role)]
    return [p.user_id for p in people if not p.deleted and not p.is_bot]


async def stored_person(uow: UnitOfWork, user_id: str) -> Person:
    stored = await uow.people.get(user_id)
    return stored[0] if stored else Person(user_id=user_id, name=user_id, locale="")
