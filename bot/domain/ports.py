"""Interfaces the services need from the outside world (implemented outside the core)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SlackProfile:
    """What Slack tells us about a person (users.info)."""

    user_id: str
    name: str
    real_name: str
    locale: str | None
    tz: str | None
    deleted: bool
    is_bot: bool
    email: str | None = None  # needs the users:read.email scope


class UserDirectory(Protocol):
    async def fetch(self, user_id: str) -> SlackProfile | None:
        """The person's profile, or None when the workspace has no such user."""
        ...

    async def usergroup_members(self, usergroup: str) -> list[str] | None:
        """The user ids of a Slack user group, or None when the group does not exist."""
        ...
