"""People, roles and departments as the services see them."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


@dataclass(slots=True)
class Department:
    id: int | None
    code: str
    name_zh: str
    name_en: str
    head_user_id: str | None = None

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


def normalise_locale(slack_locale: str | None, default: str) -> str:
    """Slack gives ``zh-CN``/``en-US``; Duban speaks ``zh`` and ``en``."""
    if slack_locale:
        head = slack_locale.split("-")[0].lower()
        if head in SUPPORTED_LOCALES:
            return head
    return default
