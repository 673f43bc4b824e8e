"""People, roles and departments as the services see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.items import Role

SUPPORTED_LOCALES = ("zh", "en")


@dataclass(slots=True)
class Person:
    user_id: str
    name: str  # the name shown to others (display name, else real name)
    locale: str = "zh"  # "zh" or "en"
    tz: str | None = None  # IANA name from Slack, None = organisation's timezone
    deleted: bool = False
    is_bot: bool = False
    roles: set[Role] = field(default_factory=set)
    department_ids: list[int] = field(default_factory=list)
    quiet_hours: str | None = None  # "HH:MM-HH:MM" in their timezone (bot.domain.quiet_hours)

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


@dataclass(slots=True)
class Department:
    id: int | None
    code: str
    name_zh: str
    name_en: str
    head_user_id: str | None = None
    leader_user_id: str | None = None  # 分管领导: escalations of the unit's items go to this leader
    usergroup: str | None = None  # a followed Slack user group (members synced by the sweep)
    members: tuple[str, ...] = ()  # filled when listing departments
    source: str = "command"  # "file" when it comes from DUBAN_ORG_FILE

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class RoleGrant:
    user_id: str
    role: Role
    source: str  # env | command | org
    granted_by: str | None
    granted_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: str | None
    action: str
    subject: str
    detail: dict[str, Any]


def normalise_locale(slack_locale: str | None, default: str) -> str:
    """Slack gives ``zh-CN``/``en-US``; Duban speaks ``zh`` and ``en``."""
    if slack_locale:
        head = slack_locale.split("-")[0].lower()
        if head in SUPPORTED_LOCALES:
            return head
    return default
