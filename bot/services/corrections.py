"""撤销 withdraw, 修改 edit, 改派 reassign an issued item; and the office's prompt when an owner leaves.

Each public method is one user action in one transaction: authorise, check the item may still be
corrected, change it, append a dossier event per change, and queue the messages it causes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import corrections as rules
from bot.domain import lifecycle
from bot.domain.commands import UserRef
from bot.domain.corrections import EditValues, FieldChange
from bot.domain.errors import DomainError
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, ItemRef, OwnerRole
from bot.domain.lifecycle import State
from bot.domain.people import Person
from bot.domain.ports import UnitOfWork
from bot.notifications import NoticeKind, stored_person
from bot.notifications.updates import update_copy
from bot.services import correction_rights as rights
from bot.services.base import Service
from bot.services.dossier import append_to_dossier
from bot.services.item_access import load_item

# Before the notice went out (registered, awaiting approval) a new owner has nothing to be told yet.
_NOT_ISSUED = frozenset({State.REGISTERED, State.PENDING_APPROVAL})


@dataclass(slots=True)
class WithdrawResult:
    item: Item
    told: list[str]


@dataclass(slots=True)
class EditResult:
    item: Item
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(slots=True)
class ReassignResult:
    item: Item
    old_id: str
    new_id: str
    role: OwnerRole


class CorrectionService(Service):
    # -- 撤销 ---------------------------------------------------------------------------------------

    async def withdraw(self, actor_id: str, ref: ItemRef, reason: str) -> WithdrawResult:
        actor = await self.people.actor(actor_id)
        rights.authorise_withdraw(actor)
        text = rules.check_reason(reason)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, ref, for_update=True)
            rules.ensure_correctable(item, "withdraw")
            previous = item.state
            events = item.withdraw(actor_id, now, reason=text)
            await uow.items.save(item, now=now)
            assert item.id is not None
            await uow.corrections.cancel_queued_urgings(item.id)
            await append_to_dossier(uow.events, item, events)
            told = []
            if previous not in _NOT_ISSUED:
                for owner in await self.notifier.audience(uow, NoticeKind.WITHDRAWN, item):
                    data = {"reason": text, "by": actor_id}
                    await self.notifier.send(uow, NoticeKind.WITHDRAWN, item, owner, now=now, data=data)
                    told.append(owner.user_id)
                    await self._strike_notice(uow, item, owner, text, now)
        return WithdrawResult(item, told)

    async def _strike_notice(
        self, uow: UnitOfWork, item: Item, owner: Person, reason: str, now: datetime
    ) -> None:
        """The owner's notice loses its buttons (acknowledge, report, extend) and says it was withdrawn."""
        data = {"tz": self.ctx.settings.timezone, "reason": reason}
        purpose, kind = NoticeKind.NOTICE.value, NoticeKind.NOTICE_WITHDRAWN
        await update_copy(
            self.notifier, uow, kind, item, owner, sent_for=purpose, copy_of=owner.user_id, now=now, data=data
        )

    # -- 修改 ---------------------------------------------------------------------------------------

    async def edit_form(self, actor_id: str, ref: ItemRef) -> Item:
        """The item whose form is about to open (refused now, before any form, if it may not be edited)."""
        actor = await self.people.actor(actor_id)
        rights.authorise_edit(actor)
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, ref)
        rules.ensure_correctable(item, "edit")
        return item

    async def edit(
        self, actor_id: str, item_id: int, values: EditValues, *, version: int | None
    ) -> EditResult:
        actor = await self.people.actor(actor_id)
        rights.authorise_edit(actor)
        values = rules.validate(values)
        now, today = self.ctx.now(), self.ctx.today()
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, item_id, for_update=True)
            rules.ensure_correctable(item, "edit")
            found = rules.changes(item, values, today)
            if not found:  # nothing changed, or a double submit of a form already saved
                return EditResult(item, [])
            if version is not None and version != item.version:
                raise DomainError("edit_conflict", number=str(item.number), field="title")
            rules.apply_changes(item, values, found)
            if any(c.field == "due" for c in found) and item.state in lifecycle.OWNER_WORKING_STATES:
                item.replan_urging(now)  # the urging sweep re-plans the ladder for the new deadline
            await uow.items.save(item, now=now)
            assert item.id is not None
            for change in found:
                payload = {"field": change.field, "before": change.old, "after": change.new}
                await uow.events.append(item.id, ItemEvent(EventKind.EDITED, now, actor_id, payload))
            if item.state not in _NOT_ISSUED and rules.OWNER_RELEVANT_FIELDS & {c.field for c in found}:
                await self._tell_owners_of_edit(uow, item, found, actor_id, now)
            # A form has no channel to answer in: the editor gets what changed as a DM, in this transaction.
            await self.notifier.send(
                uow,
                NoticeKind.EDIT_CONFIRMED,
                item,
                actor,
                now=now,
                key={"version": item.version},
                data={"changes": found},
            )
        return EditResult(item, found)

    async def _tell_owners_of_edit(
        self, uow: UnitOfWork, item: Item, found: list[FieldChange], actor_id: str, now: datetime
    ) -> None:
        assert item.id is not None
        relevant = [c for c in found if c.field in rules.OWNER_RELEVANT_FIELDS]
        key = hashlib.sha1(repr([(c.field, c.new) for c in relevant]).encode()).hexdigest()[:12]
        await self.notifier.send_all(
            uow,
            NoticeKind.EDITED,
            item,
            now=now,
            key={"version": item.version, "key": key},
            data={"changes": relevant, "by": actor_id},
        )

    # -- 改派 ---------------------------------------------------------------------------------------

    async def reassign(
        self, actor_id: str, ref: ItemRef, new: UserRef, old: UserRef | None = None
    ) -> ReassignResult:
        actor = await self.people.actor(actor_id)
        rights.authorise_reassign(actor)
        newcomer = await self.people.resolve_owner(new, field="lead")
        leaving = None
        if old is not None:
            leaving = old.user_id or (await self._named(old)).user_id
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            item = await load_item(self.ctx, uow, actor, ref, for_update=True)
            rules.ensure_correctable(item, "reassign")
            role = OwnerRole.LEAD if leaving is None else OwnerRole.CO
            old_id = item.lead.user_id if leaving is None else leaving
            rules.replace_owner(item, old_id, newcomer.user_id, role)
            assert item.id is not None
            await uow.corrections.replace_owner(item.id, old_id, item.owner(newcomer.user_id))  # type: ignore[arg-type]
            moved = await uow.corrections.move_open_urgings(item.id, old_id, newcomer.user_id)
            payload = {"role": role.value, "from": old_id, "to": newcomer.user_id, "urgings_moved": moved}
            await self.save(uow, item, [ItemEvent(EventKind.REASSIGNED, now, actor_id, payload)], now=now)
            if item.state not in _NOT_ISSUED:
                await self._hand_over(uow, item, old_id, newcomer, actor_id, now)
        return ReassignResult(item, old_id, newcomer.user_id, role)

    async def _named(self, ref: UserRef) -> Person:
        async with self.ctx.uow() as uow:
            matches = await uow.people.find_by_name(ref.name or "")
        if len(matches) != 1:
            raise DomainError("unknown_user" if not matches else "ambiguous_user", name=str(ref))
        return matches[0]

    async def _hand_over(
        self, uow: UnitOfWork, item: Item, old_id: str, newcomer: Person, actor_id: str, now: datetime
    ) -> None:
        """The new owner gets the supervision notice; the old one hears they are released."""
        assert item.id is not None
        key = {"seq": item.version}
        data = {"tz": self.ctx.settings.timezone}
        await self.notifier.send(uow, NoticeKind.HANDED_OVER, item, newcomer, now=now, key=key, data=data)
        released = await stored_person(uow, old_id)
        data = {"by": actor_id, "new": newcomer.user_id}
        await self.notifier.send(uow, NoticeKind.RELEASED, item, released, now=now, key=key, data=data)

    # -- an owner left the workspace (user_change with deleted: true) ---------------------------------

    async def owner_deactivated(self, user_id: str, name: str | None = None) -> int:
        """Mark the person gone and ask the office, in one DM each, to reassign their open items."""
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            await uow.corrections.mark_deleted(user_id)
            stored = await uow.people.get(user_id)
            shown = name or (stored[0].name if stored else user_id)
            items = [i for i in await uow.items.query(owner_id=user_id, open_only=True, limit=500)]
            items = [i for i in items if i.state is not State.WITHDRAWN]
            if not items:
                return 0
            items.sort(key=lambda i: (i.number.year, i.number.seq))
            key = hashlib.sha1(",".join(str(i.number) for i in items).encode()).hexdigest()[:12]
            await self.notifier.send_all(
                uow,
                NoticeKind.OWNER_GONE,
                None,
                now=now,
                key={"gone": user_id, "key": key},
                data={"gone": user_id, "name": shown, "items": items},
            )
        return len(items)
