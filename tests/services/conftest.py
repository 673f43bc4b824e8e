"""The service tier: every use case against the in-memory ports (tests/fakes.py), in milliseconds.

What goes in is a service call, what comes out is what the fakes hold afterwards: items, dossier
events, urging records and the Slack calls queued in the outbox. Nothing here talks to a database
or to Slack; the same journeys are proven end to end in tests/e2e and tests/process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.clock import ManualClock
from bot.domain.commands import UserRef
from bot.domain.events import EventKind
from bot.domain.items import Item, Role
from bot.domain.people import Department
from bot.domain.urge_records import UrgeRecord
from bot.services import Services
from bot.services.assign import AssignRequest, AssignResult
from bot.services.context import ServiceContext
from bot.settings import Settings
from tests.fakes import FakeDirectory, FakeUnitsOfWork, QueuedCall

# Thursday 26 November 2026, 10:00 in Shanghai (a working day).
START = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
LEADER, OFFICE, ADMIN = "U_LEADER", "U_OFFICE", "U_ADMIN"
HEAD, ZHANG, LI, WANG = "U_HEAD", "U_ZHANG", "U_LI", "U_WANG"
CHANNEL = "C_BULLETIN"
NAMES = {
    LEADER: "leader",
    OFFICE: "office",
    ADMIN: "admin",
    HEAD: "head",
    ZHANG: "zhang",
    LI: "li",
    WANG: "wang",
}


@dataclass
class Office:
    """One organisation on the fakes: a leader, the supervision office, a department (head, Zhang,
    Li) and Wang, who belongs to no department."""

    services: Services
    units: FakeUnitsOfWork
    clock: ManualClock
    directory: FakeDirectory

    @property
    def tables(self):
        return self.units.db.tables

    async def assign(self, actor: str = OFFICE, **fields: object) -> AssignResult:
        request = AssignRequest(
            lead=UserRef(user_id=str(fields.pop("lead", ZHANG))),
            co=tuple(UserRef(user_id=u) for u in fields.pop("co", ())),  # type: ignore[attr-defined]
            title=str(fields.pop("title", "Fix the roads")),
            due_date=fields.pop("due_date", date(2026, 12, 18)),  # type: ignore[arg-type]
            **fields,  # type: ignore[arg-type]
        )
        result = await self.services.assign.assign(actor, request, request_key=None)
        await self.settle()
        return result

    async def settle(self) -> None:
        await self.services.people.settle()

    def item(self, item_id: int | None) -> Item:
        assert item_id is not None
        return self.tables.items[item_id]

    def events(self, item_id: int | None) -> list[EventKind]:
        assert item_id is not None
        return [e.kind for e in self.tables.events.get(item_id, [])]

    def sent(self, purpose: str | None = None, *, to: str | None = None) -> list[QueuedCall]:
        """The Slack calls queued so far (optionally only those of one purpose, to one person)."""
        return [
            c
            for c in self.tables.outbox
            if (purpose is None or c.purpose == purpose) and (to is None or c.recipient_id == to)
        ]

    def recipients(self, purpose: str) -> set[str | None]:
        return {c.recipient_id for c in self.sent(purpose)}

    def urges(self, item_id: int | None, rung: str | None = None) -> list[UrgeRecord]:
        return [r for r in self.tables.urges.values() if r.item_id == item_id and rung in (None, r.rung)]

    def posted(self, item_id: int | None, purpose: str, user_id: str | None, ts: str = "1.000") -> None:
        """The dispatcher's part: Slack accepted a message (it can now be updated in place)."""
        self.tables.posted.append((item_id, purpose, user_id, user_id or CHANNEL, ts))

    async def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)


def office_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "leaders": (LEADER,),
        "supervisors": (OFFICE,),
        "admins": (ADMIN,),
        "bulletin_channel": CHANNEL,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def make_office(settings: Settings | None = None) -> Office:
    directory = FakeDirectory()
    for user_id, name in NAMES.items():
        directory.add(user_id, name)
    units = FakeUnitsOfWork()
    clock = ManualClock(START)
    services = Services.build(ServiceContext(units, clock, settings or office_settings(), directory))
    await services.people.apply_configured_roles()
    finance = Department(None, "fin", "财务处", "Finance", head_user_id=HEAD)
    await services.people.seed(
        {Role.LEADER: (LEADER,), Role.SUPERVISOR: (OFFICE,), Role.ADMIN: (ADMIN,)},
        [(finance, [ZHANG, LI])],
    )
    await services.people.person(WANG)
    await services.people.settle()
    return Office(services, units, clock, directory)


@pytest.fixture
async def office() -> AsyncIterator[Office]:
    world = await make_office()
    yield world
    await world.services.people.stop_refreshing()
