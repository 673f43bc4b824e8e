"""In-memory implementations of the services' ports (bot.domain.ports), in cosmicpython's style.

The one exception to "fake only Slack": the service tier (tests/services) runs the use cases on
these in milliseconds; every journey is still proven end to end on real databases. They follow
storage's semantics (idempotency keys, ordering, what counts as answered) closely enough for the
rules above the core; what they simplify is said where it happens.

A unit of work copies the tables on entry and puts the copy back when its block raises, so a
refused action leaves nothing behind, as a rolled-back transaction would.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot.domain.errors import DirectoryUnavailable, DuplicateRequest
from bot.domain.events import ItemEvent
from bot.domain.items import Item, ItemNumber, Role
from bot.domain.lifecycle import OPEN_STATES
from bot.domain.people import Department, Person
from bot.domain.ports import SlackProfile
from bot.domain.repositories import OutgoingCall
from tests.fake_reads import FakeCorrections, FakeFollowThrough, FakeItemLists, FakeOrg, FakeReporting
from tests.fake_records import FakeReports, FakeUrging
from tests.fake_sweep import FakeSweep
from tests.fake_tables import FakeDatabase, QueuedCall, Repo, Tables, UserRow

__all__ = ["FakeDatabase", "FakeDirectory", "FakeUnitOfWork", "FakeUnitsOfWork", "QueuedCall", "Tables"]


class FakeItems(Repo):
    async def next_number(self, year: int) -> ItemNumber:
        self.t.counters[year] = self.t.counters.get(year, 0) + 1
        return ItemNumber(year, self.t.counters[year])

    async def find_by_request_key(self, key: str) -> Item | None:
        if self.db.unseen_request_keys > 0:
            self.db.unseen_request_keys -= 1
            return None
        item_id = self.t.request_keys.get(key)
        return copy.deepcopy(self.t.items[item_id]) if item_id is not None else None

    async def add(self, item: Item, *, request_key: str | None, now: datetime) -> Item:
        if request_key is not None and request_key in self.t.request_keys:
            raise DuplicateRequest(request_key)
        item.id = self.t.new_id()
        item.version = 1
        self.t.items[item.id] = copy.deepcopy(item)
        if request_key is not None:
            self.t.request_keys[request_key] = item.id
        return item

    async def get(self, item_id: int, *, for_update: bool = False) -> Item | None:
        item = self.t.items.get(item_id)
        return copy.deepcopy(item) if item is not None else None

    async def get_by_number(self, number: ItemNumber, *, for_update: bool = False) -> Item | None:
        found = next((i for i in self.t.items.values() if i.number == number), None)
        return copy.deepcopy(found) if found is not None else None

    async def save(self, item: Item, *, now: datetime) -> None:
        assert item.id is not None and item.id in self.t.items
        stored = self.t.items[item.id]
        # Like the row: owners are fixed by other repositories, only their acknowledgements change here.
        acks = {o.user_id: o.acknowledged_at for o in item.owners}
        owners = [replace(o, acknowledged_at=acks.get(o.user_id, o.acknowledged_at)) for o in stored.owners]
        item.version = stored.version + 1
        self.t.items[item.id] = replace(copy.deepcopy(item), owners=owners)

    async def query(
        self,
        *,
        owner_id: str | None = None,
        involving: str | None = None,
        open_only: bool = False,
        due_before: date | None = None,
        limit: int = 50,
    ) -> list[Item]:
        found = [
            i
            for i in self.t.items.values()
            if (owner_id is None or i.owner(owner_id) is not None)
            and (involving is None or i.assigner_id == involving or i.owner(involving) is not None)
            and (not open_only or i.state in {s.value for s in OPEN_STATES})
            and (due_before is None or i.current_due < due_before)
        ]
        found.sort(key=lambda i: (i.current_due, i.id or 0))
        return copy.deepcopy(found[:limit])

    async def count(self) -> int:
        return len(self.t.items)


class FakeEvents(Repo):
    async def append(self, item_id: int, event: ItemEvent) -> ItemEvent:
        if item_id not in self.t.items:
            raise LookupError(f"item {item_id} does not exist")
        dossier = self.t.events.setdefault(item_id, [])
        event.seq, event.item_id = len(dossier) + 1, item_id
        dossier.append(copy.deepcopy(event))
        return event

    async def for_item(self, item_id: int) -> list[ItemEvent]:
        return copy.deepcopy(self.t.events.get(item_id, []))


class FakePeople(Repo):
    async def get(self, user_id: str) -> tuple[Person, datetime | None] | None:
        row = self.t.users.get(user_id)
        return (self._person(user_id), row.refreshed_at) if row is not None else None

    def _person(self, user_id: str) -> Person:
        row = self.t.users[user_id]
        person = copy.deepcopy(row.person)
        person.locale = row.preferred_locale or row.slack_locale or ""
        person.roles = {role for (uid, role) in self.t.roles if uid == user_id}
        person.department_ids = sorted(d for d, uid in self.t.members if uid == user_id)
        return person

    async def find_by_name(self, name: str) -> list[Person]:
        lowered = name.lower()
        return [
            self._person(uid)
            for uid, row in self.t.users.items()
            if lowered in (row.person.name.lower(), row.real_name.lower()) and not row.person.deleted
        ]

    async def upsert(
        self,
        person: Person,
        *,
        real_name: str = "",
        profile_locale: str | None,
        now: datetime,
        email: str | None = None,
    ) -> None:
        row = self.t.users.get(person.user_id) or UserRow(person)
        row.person = replace(person, roles=set(), department_ids=[])
        row.real_name, row.slack_locale, row.refreshed_at = real_name, profile_locale, now
        row.email = email or row.email
        self.t.users[person.user_id] = row

    async def set_quiet_hours(self, user_id: str, window: str | None) -> bool:
        if user_id not in self.t.users:
            return False
        self.t.users[user_id].person.quiet_hours = window
        return True

    async def set_preferred_locale(self, user_id: str, locale: str) -> None:
        if user_id in self.t.users:
            self.t.users[user_id].preferred_locale = locale

    async def grant(self, user_id: str, role: Role, *, by: str | None, now: datetime) -> None:
        self.t.roles.setdefault((user_id, role), ("command", by, now))

    async def ensure_user(self, user_id: str) -> None:
        if user_id not in self.t.users:
            self.t.users[user_id] = UserRow(Person(user_id=user_id, name=user_id, locale=""))

    async def sync_configured_roles(self, configured: dict[Role, tuple[str, ...]], *, now: datetime) -> None:
        for role, user_ids in configured.items():
            for (uid, held), (source, _, _) in list(self.t.roles.items()):
                if held is role and source == "env" and uid not in user_ids:
                    del self.t.roles[(uid, held)]
            for uid in user_ids:
                await self.ensure_user(uid)
                self.t.roles.setdefault((uid, role), ("env", None, now))

    async def users_with_role(self, role: Role) -> list[str]:
        return [uid for (uid, held) in self.t.roles if held is role]

    async def upsert_department(self, department: Department) -> Department:
        existing = next((d for d in self.t.departments.values() if d.code == department.code), None)
        department.id = existing.id if existing is not None else self.t.new_id()
        self.t.departments[department.id] = replace(department, members=())
        return department

    async def add_member(self, department_id: int, user_id: str) -> None:
        self.t.members.add((department_id, user_id))

    async def departments_of(self, user_id: str) -> list[Department]:
        return [copy.deepcopy(self.t.departments[d]) for d, uid in sorted(self.t.members) if uid == user_id]


class FakeCalendar(Repo):
    async def overrides(self) -> dict[date, bool]:
        return {day: row[0] for day, row in self.t.overrides.items()}

    async def confirmed_years(self) -> set[int]:
        return set(self.t.confirmed_years)

    async def set_override(self, day: date, is_workday: bool, note: str, *, by: str, now: datetime) -> None:
        self.t.overrides[day] = (is_workday, note, by, now)

    async def clear_override(self, day: date, until: date | None = None) -> int:
        gone = [d for d in self.t.overrides if day <= d <= (until or day)]
        for d in gone:
            del self.t.overrides[d]
        return len(gone)

    async def confirm_year(self, year: int, *, by: str, now: datetime) -> None:
        self.t.confirmed_years.setdefault(year, (by, now))

    async def confirmation(self, year: int) -> tuple[str | None, datetime | None] | None:
        return self.t.confirmed_years.get(year)

    async def override_details(self, year: int) -> dict[date, tuple[str, str | None, datetime | None]]:
        return {d: (r[1], r[2], r[3]) for d, r in self.t.overrides.items() if d.year == year}

    async def list_overrides(self, year: int) -> list[tuple[date, bool, str]]:
        return [(d, r[0], r[1]) for d, r in sorted(self.t.overrides.items()) if d.year == year]


class FakeSlackMessages(Repo):
    async def find(self, item_id: int, purpose: str, user_id: str | None = None) -> tuple[str, str] | None:
        for item, kind, uid, channel, ts in reversed(self.t.posted):
            if item == item_id and kind == purpose and (user_id is None or uid == user_id):
                return channel, ts
        return None

    async def all_for(self, item_id: int, purpose: str) -> list[tuple[str, str, str]]:
        latest = {
            uid: (channel, ts)
            for item, kind, uid, channel, ts in self.t.posted
            if item == item_id and kind == purpose and uid
        }
        return [(uid, channel, ts) for uid, (channel, ts) in latest.items()]

    async def item_for(self, channel: str, ts: str) -> tuple[int, str, str | None] | None:
        for item, kind, uid, ch, t in self.t.posted:
            if (ch, t) == (channel, ts) and item is not None:
                return item, kind, uid
        return None

    async def on_its_way(self, item_id: int, purpose: str, user_id: str | None = None) -> bool:
        # The fake outbox is never dispatched: a queued post is on its way unless the register has it.
        queued = any(
            call.item_id == item_id
            and call.purpose == purpose
            and call.method == "chat.postMessage"
            and (user_id is None or call.recipient_id == user_id)
            for call in self.t.outbox
        )
        return queued and await self.find(item_id, purpose, user_id) is None

    async def recipients_on_their_way(self, item_id: int, purpose: str) -> list[str]:
        return sorted(
            {
                call.recipient_id
                for call in self.t.outbox
                if call.item_id == item_id and call.purpose == purpose and call.recipient_id
                if await self.on_its_way(item_id, purpose, call.recipient_id)
            }
        )


class FakeUnitOfWork:
    """The repositories of one transaction over a ``FakeDatabase``, and its outbox."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.items = FakeItems(db)
        self.lists = FakeItemLists(db)
        self.events = FakeEvents(db)
        self.people = FakePeople(db)
        self.calendar = FakeCalendar(db)
        self.messages = FakeSlackMessages(db)
        self.reports = FakeReports(db)
        self.urging = FakeUrging(db)
        self.sweep = FakeSweep(db)
        self.reporting = FakeReporting(db)
        self.org = FakeOrg(db)
        self.corrections = FakeCorrections(db)
        self.follow = FakeFollowThrough(db)

    async def send(
        self,
        idem_key: str,
        method: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        item_id: int | None = None,
        purpose: str | None = None,
        recipient_id: str | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        if any(call.idem_key == idem_key for call in self.db.tables.outbox):
            return False
        call = QueuedCall(idem_key, method, payload, now, item_id, purpose, recipient_id, not_before)
        self.db.tables.outbox.append(call)
        return True

    async def send_many(self, calls: list[OutgoingCall], *, now: datetime) -> int:
        new = 0
        for call in calls:
            new += await self.send(
                call.idem_key,
                call.method,
                call.payload,
                now=now,
                item_id=call.item_id,
                purpose=call.purpose,
                recipient_id=call.recipient_id,
                not_before=call.not_before,
            )
        return new


class FakeUnitsOfWork:
    """The ``UnitOfWorkFactory`` port on one in-memory database."""

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()
        self._people_version = 0
        self.reads = 0  # read-only transactions opened

    def begin(self) -> AbstractAsyncContextManager[FakeUnitOfWork]:
        return self._transaction(keep=True)

    def read(self, *, small: bool = False) -> AbstractAsyncContextManager[FakeUnitOfWork]:
        self.reads += 1
        return self._transaction(keep=False)

    def people_version(self) -> int:
        """Tests change people's tables directly: a new number every time, so nothing is kept."""
        self._people_version += 1
        return self._people_version

    @asynccontextmanager
    async def _transaction(self, *, keep: bool) -> AsyncIterator[FakeUnitOfWork]:
        # A snapshot to roll back to: pickling copies these plain tables several times faster than deepcopy.
        before = pickle.loads(pickle.dumps(self.db.tables, pickle.HIGHEST_PROTOCOL))
        try:
            yield FakeUnitOfWork(self.db)
        except BaseException:
            self.db.tables = before
            raise
        if keep:
            self.db.commits += 1
        else:
            self.db.tables = before  # a read-only transaction keeps nothing


class FakeDirectory:
    """Slack's users.info and user groups (the ``UserDirectory`` port)."""

    def __init__(self) -> None:
        self.profiles: dict[str, SlackProfile] = {}
        self.groups: dict[str, list[str]] = {}
        self.refusing = False  # the platform refuses every lookup (a missing scope, a revoked token)

    def add(self, user_id: str, name: str, *, locale: str = "zh-CN", tz: str = "Asia/Shanghai") -> None:
        self.profiles[user_id] = SlackProfile(user_id, name, name, locale, tz, False, False)

    async def fetch(self, user_id: str) -> SlackProfile | None:
        return self.profiles.get(user_id)

    async def usergroup_members(self, usergroup: str) -> list[str] | None:
        if self.refusing:
            raise DirectoryUnavailable("missing_scope")
        return self.groups.get(usergroup)
