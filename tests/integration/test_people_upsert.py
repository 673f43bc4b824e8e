"""Two requests meeting the same new person at once (two workers, two replicas) both store the profile;
a refresh keeps what the person set in Duban."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.people import Person
from storage.db import make_session_factory
from storage.models import UserRow
from storage.people_repo import PeopleRepository
from tests.integration.factories import T0

NEW = Person(user_id="U0NEWCOMER", name="刘洋", locale="zh-CN", tz="Asia/Shanghai")


async def test_two_transactions_storing_the_same_new_person_both_commit(
    engine_factory: Callable[[], AsyncEngine],
) -> None:
    first, second = make_session_factory(engine_factory()), make_session_factory(engine_factory())
    async with first() as session_a, session_a.begin():
        await PeopleRepository(session_a).upsert(NEW, profile_locale="zh-CN", now=T0, email="a@x.test")

        async def meanwhile() -> None:
            async with second() as session_b, session_b.begin():
                renamed = Person(user_id=NEW.user_id, name="Liu Yang", locale="en-US", tz="Asia/Shanghai")
                await PeopleRepository(session_b).upsert(renamed, profile_locale="en-US", now=T0, email="")

        other = asyncio.create_task(meanwhile())
        await asyncio.sleep(0.3)  # the second waits on the first's uncommitted row
        assert not other.done()
    await asyncio.wait_for(other, 30)  # before: duplicate key value violates unique constraint "pk_users"

    async with first() as session:
        row = await session.scalar(select(UserRow).where(UserRow.user_id == NEW.user_id))
    assert row is not None
    assert (row.name, row.locale, row.email) == ("Liu Yang", "en-US", "a@x.test")  # an empty email keeps ours


async def test_a_profile_refresh_keeps_the_language_and_quiet_hours_chosen_in_duban(
    engine_factory: Callable[[], AsyncEngine],
) -> None:
    sessions = make_session_factory(engine_factory())
    async with sessions.begin() as session:
        people = PeopleRepository(session)
        await people.upsert(NEW, profile_locale="zh-CN", now=T0)
        await people.set_preferred_locale(NEW.user_id, "en")
        assert await people.set_quiet_hours(NEW.user_id, "22:00-07:00")
    async with sessions.begin() as session:
        await PeopleRepository(session).upsert(NEW, profile_locale="zh-CN", now=T0)
    async with sessions.begin() as session:
        stored = await PeopleRepository(session).get(NEW.user_id)
    assert stored is not None
    person, refreshed_at = stored
    assert (person.locale, person.quiet_hours, refreshed_at is not None) == ("en", "22:00-07:00", True)
