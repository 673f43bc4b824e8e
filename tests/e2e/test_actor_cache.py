"""Who is asking is kept for a moment between requests, but never past a change to their profile made in
this process, by whatever path (here a plain UPDATE, not a service)."""

from __future__ import annotations

from sqlalchemy import update

from storage.models import UserRow
from tests.e2e.conftest import World


def _text(reply: object) -> str:
    return str(reply)


async def test_a_language_written_to_the_database_is_used_by_the_next_request(world: World) -> None:
    await world.command("U0STAFFA", "language zh")
    first = _text(await world.command("U0STAFFA", "help"))
    async with world.runtime.sessions() as session, session.begin():
        await session.execute(
            update(UserRow).where(UserRow.user_id == "U0STAFFA").values(preferred_locale="en")
        )
    second = _text(await world.command("U0STAFFA", "help"))

    assert first != second
    assert sum(ord(c) > 0x2E80 for c in second) < sum(ord(c) > 0x2E80 for c in first) / 4  # English now
