"""归档 and 台账: archive a finished item with its dossier (一事一卷); export the ledger as .xlsx."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from bot.domain import permissions
from bot.domain.errors import NotFound
from bot.domain.events import ItemEvent
from bot.domain.items import Item, ItemRef
from bot.domain.lifecycle import State
from bot.domain.people import Person
from bot.domain.periods import Period, period_containing
from bot.domain.ports import UnitOfWork
from bot.domain.register import RegisterFields
from bot.domain.statistics import ItemSnapshot, local_day
from bot.notifications import NoticeKind, documents
from bot.services.base import Service
from bot.services.items import may_see


@dataclass(slots=True)
class ArchiveResult:
    number: str
    at: datetime
    already: bool


@dataclass(slots=True)
class ExportResult:
    count: int
    scope: str | None


class ArchiveService(Service):
    async def archive(self, actor_id: str, ref: ItemRef) -> ArchiveResult:
        actor = await self.authorised(actor_id, permissions.Action.ARCHIVE)
        locale = self.people.locale_of(actor)
        tz = actor.tz or self.ctx.settings.timezone
        now = self.ctx.now()
        number = ref.resolve(self.ctx.today().year)
        async with self.ctx.uow() as uow:
            item = await uow.items.get_by_number(number, for_update=True)
            if item is None:
                raise NotFound("item_not_found", ref=str(number))
            assert item.id is not None
            if item.state is State.ARCHIVED:
                stored = await uow.reporting.dossier(item.id)
                if stored is not None:
                    _, data, _ = stored  # the archive again, in this reader's language
                    html_text = documents.dossier_again(data, locale, tz, generated_at=now, by=actor.name)
                    await self._send(uow, item, actor, html_text, now, again=True)
                return ArchiveResult(str(number), item.archived_at or now, already=True)
            archived = item.archive(actor_id, now)  # only completed or closed items
            await uow.items.save(item, now=now)
            for event in archived:
                await uow.events.append(item.id, event)
            events = await uow.events.for_item(item.id)
            parts = await uow.reporting.dossier_parts(item.id)
            people = _people_in(events, parts) | {o.user_id for o in item.owners}
            people.add(item.assigner_id)
            names = {}
            for user_id in sorted(people):
                found = await uow.people.get(user_id)
                if found is not None:
                    names[user_id] = found[0].name
            by = names.get(actor_id, actor_id)
            data, html_text = documents.dossier(
                item,
                events,
                parts,
                names,
                locale,
                tz,
                generated_at=now,
                by=by,
                org_tz=self.ctx.settings.timezone,
            )
            await uow.reporting.save_dossier(item.id, html=html_text, data=data, by=actor_id, now=now)
            await self._send(uow, item, actor, html_text, now, again=False)
        return ArchiveResult(str(number), now, already=False)

    async def _send(
        self, uow: UnitOfWork, item: Item, actor: Person, html_text: str, now: datetime, *, again: bool
    ) -> None:
        key = {"again": f":{now.timestamp():.0f}" if again else ""}
        await self.notifier.send(
            uow, NoticeKind.DOSSIER, item, actor, now=now, key=key, data={"html": html_text}
        )

    async def export(self, actor_id: str, period: str | None) -> ExportResult:
        """The ledger (台账) of every item the requester may see, as .xlsx sent to them."""
        actor = await self.people.actor(actor_id)
        today, zone, now = self.ctx.today(), self.ctx.settings.zone, self.ctx.now()
        scope = period_containing(period, today) if period else None
        async with self.ctx.uow() as uow:
            snapshots = await uow.reporting.snapshots()
            owners = await uow.reporting.owners()
            names = await uow.reporting.departments()
            items = {i.id: i for i in await uow.items.query(limit=1_000_000)}
            rows: list[tuple[ItemSnapshot, bool, list[str], str]] = []
            registers: dict[int, RegisterFields] = {}
            for snap in snapshots:
                item = items.get(snap.item_id or -1)
                if item is None:
                    continue
                visible_title = may_see(actor, item)
                if not visible_title and not permissions.cleared(actor):
                    continue  # confidential items of others are not even listed to ordinary staff
                if scope is not None and not _touches(snap, scope, zone):
                    continue
                rows.append((snap, visible_title, owners.get(item.id or -1, []), item.source.value))
                registers[item.id or -1] = RegisterFields(item.received_on, item.doc_number, item.basis)
            label = scope.key if scope else None
            await self.notifier.send(
                uow,
                NoticeKind.LEDGER,
                None,
                actor,
                now=now,
                key={"at": f"{now.timestamp():.3f}"},
                data={
                    "rows": rows,
                    "names": names,
                    "zone": zone,
                    "today": today,
                    "label": label,
                    "registers": registers,
                },
            )
        return ExportResult(len(rows), label)


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _people_in(events: list[ItemEvent], parts: dict[str, list[dict[str, Any]]]) -> set[str]:
    """Everyone the dossier names (actors, recipients, attendees, authors), so it can say their names."""
    found: set[str] = {e.actor_id for e in events if e.actor_id}
    for event in events:
        for key in ("owners", "recipients", "attendees", "user", "from", "to"):
            value = event.payload.get(key)
            for candidate in value if isinstance(value, list) else [value]:
                if isinstance(candidate, str) and _USER_ID.match(candidate):
                    found.add(candidate)
    for rows in parts.values():
        for row in rows:
            for key in ("recipient_id", "actor_id", "answered_by", "author_id", "reviewer_id"):
                if isinstance(row.get(key), str) and _USER_ID.match(row[key]):
                    found.add(row[key])
    return found


def _touches(snap: ItemSnapshot, period: Period, zone: tzinfo) -> bool:
    """Part of the period: registered by its end and not completed before it began."""
    created = local_day(snap.created_at, zone)
    done = local_day(snap.completed_at, zone) if snap.completed_at else None
    return created <= period.end and (done is None or done >= period.start)
