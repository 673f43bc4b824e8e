"""A request that only reads does every read in one transaction (ServiceContext.one_read); a task it
starts does not inherit that transaction."""

from __future__ import annotations

import asyncio

from tests.services.conftest import LI, OFFICE, ZHANG, Office


async def test_the_reader_the_list_and_its_actor_share_one_read_transaction(office: Office) -> None:
    await office.assign(lead=ZHANG, title="Budget review")
    before = office.units.reads
    async with office.services.ctx.one_read():
        reader = await office.services.reader(ZHANG)
        found = await office.services.items.list_items(ZHANG, "mine")
    assert office.units.reads == before + 1
    assert reader.user_id == ZHANG and [d.item.title for d in found.items] == ["Budget review"]


async def test_without_it_each_read_is_its_own_transaction(office: Office) -> None:
    before = office.units.reads
    await office.services.reader(LI)
    await office.services.items.list_items(LI, "mine")
    assert office.units.reads >= before + 2


async def test_a_task_started_inside_opens_its_own_transaction(office: Office) -> None:
    async with office.services.ctx.one_read():
        await office.services.reader(OFFICE)
        before = office.units.reads

        async def elsewhere() -> None:
            async with office.services.ctx.read():
                pass

        await asyncio.create_task(elsewhere())
        assert office.units.reads == before + 1
