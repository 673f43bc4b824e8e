"""The in-memory ``SweepRepository`` (bot.domain.repositories): the sweep's batch reads and writes, built on
the other fakes' semantics so the service tier sees the same answers one item at a time or in a batch."""

from __future__ import annotations

import copy
from datetime import datetime

from bot.domain.events import ItemEvent
from bot.domain.items import Item
from bot.domain.people import Person
from bot.domain.urge_records import ExtensionRequest, UrgeRecord
from tests.fake_records import FakeUrging
from tests.fake_tables import Repo


class FakeSweep(Repo):
    async def claim_due(
        self, now: datetime, states: list[str], *, limit: int, only: list[int] | None = None
    ) -> list[Item]:
        due = [
            i
            for i in self.t.items.values()
            if i.next_urge_at is not None
            and i.next_urge_at <= now
            and i.state in states
            and (only is None or i.id in only)
        ]
        due.sort(key=lambda i: (i.next_urge_at, i.id))
        return copy.deepcopy(due[:limit])

    async def issued_at_many(self, item_ids: list[int]) -> dict[int, datetime]:
        urging = FakeUrging(self.db)
        found = {item_id: await urging.issued_at(item_id) for item_id in item_ids}
        return {item_id: at for item_id, at in found.items() if at is not None}

    async def records_of(self, item_ids: list[int]) -> dict[int, list[UrgeRecord]]:
        urging = FakeUrging(self.db)
        return {item_id: await urging.for_item(item_id) for item_id in item_ids}

    async def latest_extensions(self, item_ids: list[int]) -> dict[int, ExtensionRequest]:
        urging = FakeUrging(self.db)
        found = {item_id: await urging.latest_extension(item_id) for item_id in item_ids}
        return {item_id: request for item_id, request in found.items() if request is not None}

    async def people(self, user_ids: list[str]) -> dict[str, Person]:
        from tests.fakes import FakePeople

        people = FakePeople(self.db)
        return {user_id: people._person(user_id) for user_id in set(user_ids) if user_id in self.t.users}

    async def add_records(self, records: list[UrgeRecord]) -> list[UrgeRecord]:
        urging = FakeUrging(self.db)
        return [record for record in records if await urging.add(record) is not None]

    async def append_events(self, events: list[tuple[int, ItemEvent]]) -> None:
        from tests.fakes import FakeEvents

        dossiers = FakeEvents(self.db)
        for item_id, event in events:
            await dossiers.append(item_id, event)

    async def save_schedules(self, items: list[Item], *, now: datetime) -> None:
        for item in items:
            assert item.id is not None
            stored = self.t.items[item.id]
            for name in (
                "next_urge_at",
                "urge_plan",
                "urge_stage",
                "urge_round",
                "last_urged_at",
                "escalated_at",
            ):
                setattr(stored, name, copy.deepcopy(getattr(item, name)))
            stored.version += 1

    async def postpone(self, item_ids: list[int], until: datetime) -> None:
        for item_id in item_ids:
            if item_id in self.t.items:
                self.t.items[item_id].next_urge_at = until
