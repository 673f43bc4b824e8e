"""``duban import``: load the office's existing ledger (台账) of open items, all rows or none.

Owners are found without Slack: a Slack user id is taken as is (its profile is filled in when the
person first appears), an email or a name must match exactly one person in the users table. Every
row that cannot be imported is listed with the reason; if there is any, nothing is written (a dry
run never writes). Numbering then continues after the highest number imported for each year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain import ledger_import as ledger
from bot.domain import permissions
from bot.domain.errors import DomainError
from bot.domain.events import EventKind, ItemEvent
from bot.domain.items import Item, Owner, OwnerRole
from bot.domain.ledger_import import LedgerRow, Refusal
from bot.domain.lifecycle import OWNER_WORKING_STATES, State
from bot.domain.ports import UnitOfWork
from bot.domain.register import register_payload
from bot.services.context import ServiceContext

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REGISTERED_AT = time(9, 0)  # a ledger has dates, not times: the item counts as registered that morning


@dataclass(slots=True)
class ImportReport:
    total: int
    accepted: list[LedgerRow] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    written: bool = False
    assigner_id: str | None = None
    next_numbers: dict[int, int] = field(default_factory=dict)  # year -> the next number assign will use


class LedgerImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def run(
        self, table: list[tuple[int, dict[str, object]]], *, dry_run: bool, by: str | None, file_name: str
    ) -> ImportReport:
        report = ImportReport(total=len(table))
        today = self.ctx.today()
        parsed: list[LedgerRow] = []
        for row, cells in table:
            try:
                parsed.append(ledger.read_row(row, cells, today.year, today))
            except DomainError as error:
                report.refused.append(Refusal(row, error.code, dict(error.params)))
        report.refused.extend(ledger.duplicates(parsed))
        duplicate_rows = {r.row for r in report.refused}
        async with self.ctx.uow() as uow:
            report.assigner_id = await self._assigner(uow, by, report)
            owners: dict[int, list[str]] = {}
            for row in parsed:
                if row.row in duplicate_rows:
                    continue
                try:
                    if await uow.items.get_by_number(row.number) is not None:
                        raise DomainError("ledger_number_exists", number=str(row.number))
                    owners[row.row] = await self._owners(uow, row)
                except DomainError as error:
                    report.refused.append(Refusal(row.row, error.code, dict(error.params)))
                    continue
                report.accepted.append(row)
            report.refused.sort(key=lambda r: r.row)
            if dry_run or report.refused or report.assigner_id is None:
                report.next_numbers = await self._next_numbers(uow, report.accepted, simulate=True)
                return report
            for row in report.accepted:
                await self._write(uow, row, owners[row.row], report.assigner_id, file_name)
            report.next_numbers = await self._next_numbers(uow, report.accepted, simulate=False)
            report.written = True
        return report

    async def _assigner(self, uow: UnitOfWork, by: str | None, report: ImportReport) -> str | None:
        """Who the items count as registered by: ``--by``, else the first supervisor (then leader, admin)."""
        if by:
            if not _SLACK_ID.match(by):
                report.refused.append(Refusal(0, "ledger_bad_assigner", {"value": by}))
                return None
            return by
        for role in permissions.role_holders_order(permissions.Action.ASSIGN):
            holders = sorted(await uow.people.users_with_role(role))
            if holders:
                return holders[0]
        report.refused.append(Refusal(0, "ledger_no_assigner", {}))
        return None

    async def _owners(self, uow: UnitOfWork, row: LedgerRow) -> list[str]:
        found = [await self._person(uow, row.lead)]
        for typed in row.co:
            user_id = await self._person(uow, typed)
            if user_id in found:
                raise DomainError("ledger_duplicate_owner", who=typed)
            found.append(user_id)
        return found

    async def _person(self, uow: UnitOfWork, typed: str) -> str:
        text = typed.strip().lstrip("@").removeprefix("<@").removesuffix(">").split("|")[0]
        if _SLACK_ID.match(text):
            stored = await uow.people.get(text)
            person = stored[0] if stored else None
        elif _EMAIL.match(text):
            ids = await uow.corrections.find_by_email(text)
            if len(ids) > 1:
                raise DomainError("ledger_ambiguous_owner", who=typed)
            if not ids:
                raise DomainError("ledger_unknown_owner", who=typed)
            stored = await uow.people.get(ids[0])
            person = stored[0] if stored else None
        else:
            matches = await uow.people.find_by_name(text)
            if len(matches) > 1:
                raise DomainError("ledger_ambiguous_owner", who=typed)
            if not matches:
                raise DomainError("ledger_unknown_owner", who=typed)
            person = matches[0]
        if person is not None and person.deleted:
            raise DomainError("ledger_owner_deactivated", who=typed)
        if person is not None and person.is_bot:
            raise DomainError("ledger_owner_is_bot", who=typed)
        return person.user_id if person is not None else text

    def _instant(self, day: date | None) -> datetime:
        if day is None:
            return self.ctx.now()
        zone = ZoneInfo(self.ctx.settings.timezone)
        return datetime.combine(day, REGISTERED_AT, tzinfo=zone)

    async def _write(
        self, uow: UnitOfWork, row: LedgerRow, owner_ids: list[str], assigner_id: str, file_name: str
    ) -> None:
        now = self.ctx.now()
        for user_id in {assigner_id, *owner_ids}:
            await uow.people.ensure_user(user_id)  # a Slack id not seen yet: its profile comes later
        registered = min(self._instant(row.received), now)
        working = row.state is not State.ISSUED  # past 交办: the owners have taken it up
        item = Item(
            id=None,
            number=row.number,
            title=row.title,
            requirements=row.requirements,
            source=row.source,
            state=row.state,
            assigner_id=assigner_id,
            owners=[
                Owner(u, OwnerRole.LEAD if i == 0 else OwnerRole.CO, registered if working else None)
                for i, u in enumerate(owner_ids)
            ],
            original_due=row.due,
            current_due=row.due,
            created_at=registered,
            confidential=row.confidential,
            next_urge_at=now if row.state in OWNER_WORKING_STATES else None,
            reported_at=now if row.state is State.REPORTED else None,
            received_on=row.register.received_on,
            doc_number=row.register.doc_number,
            basis=row.register.basis,
        )
        await uow.items.add(item, request_key=None, now=now)
        assert item.id is not None
        await uow.events.append(
            item.id,
            ItemEvent(
                EventKind.REGISTERED,
                registered,
                assigner_id,
                {
                    "number": str(item.number),
                    "title": item.title,
                    "due": row.due.isoformat(),
                    "imported": True,
                    **register_payload(item),
                },
            ),
        )
        for note in row.history:
            at = min(self._instant(note.day), now) if note.day else now
            await uow.events.append(
                item.id, ItemEvent(EventKind.HISTORY_NOTE, at, None, {"detail": note.text})
            )
        await uow.events.append(
            item.id,
            ItemEvent(
                EventKind.IMPORTED,
                now,
                None,
                {"file": file_name, "row": row.row, "state": row.state.value, "owners": owner_ids},
            ),
        )

    async def _next_numbers(
        self, uow: UnitOfWork, rows: list[LedgerRow], *, simulate: bool
    ) -> dict[int, int]:
        highest: dict[int, int] = {}
        for row in rows:
            highest[row.number.year] = max(highest.get(row.number.year, 0), row.number.seq)
        result = {}
        for year, seq in sorted(highest.items()):
            last = await uow.corrections.counter(year)
            if not simulate:
                last = await uow.corrections.raise_counter(year, seq)
            result[year] = max(last, seq) + 1
        return result
