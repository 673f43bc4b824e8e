"""A person whose language the bot does not know yet — never seen, or known only by id from the
organisation file — is answered in their Slack language (users.info with include_locale) from the very
first reply: Mark (en-US) in English, 陈静 (zh-CN) in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.emulator.models import WorkspaceUser
from storage.models import UserRow
from tests.e2e.conftest import World
from tests.e2e.test_org_file import org_world  # noqa: F401  (the fixture)

OrgWorld = tuple[World, Path, Callable]  # type: ignore[type-arg]


async def first_reply(world: World, user_id: str, text: str) -> str:
    reply = await world.command(user_id, text)
    return reply.message.all_text() if reply.message else reply.text


async def test_known_only_from_the_org_file_the_first_reply_is_in_their_language(
    org_world: OrgWorld,  # noqa: F811
) -> None:
    world = org_world[0]
    row = await world.scalar(select(UserRow).where(UserRow.user_id == "U0STAFFB2"))
    assert row is not None and not row.locale  # a row from the file: no language stored yet
    assert "Your items" in await first_reply(world, "U0STAFFB2", "list")
    stored = await world.scalar(select(UserRow).where(UserRow.user_id == "U0STAFFB2"))
    assert (stored.locale, stored.tz) == ("en-US", "America/New_York")
    assert "我的督办事项" in await first_reply(world, "U0STAFFB", "list")
    # An unknown command is refused in English too (the first thing a newcomer may type).
    assert "is not a Duban command" in await first_reply(world, "U0DEPUTY", "hello")


async def test_someone_who_joined_after_the_start_gets_english_at_once(world: World) -> None:
    user = WorkspaceUser("U0NEWEN", "olivia", "Olivia Park", "Olivia", "America/New_York", "en-US")
    world.slack.state.users[user.id] = user
    assert await world.scalar(select(UserRow).where(UserRow.user_id == "U0NEWEN")) is None
    assert "Your items" in await first_reply(world, "U0NEWEN", "list")
