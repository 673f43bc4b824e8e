"""What people are told when Slack or the database fails (catalog ``faults.*``)."""

from __future__ import annotations

from typing import Any

from messages.i18n import t
from messages.replies import plain_reply
from messages.text import mention


def channel_unreachable(locale: str, *, channel: str, error: str) -> dict[str, Any]:
    return plain_reply(t(locale, "faults.channel_unreachable", channel=channel, error=error))


def user_unreachable(locale: str, *, user_id: str, number: str | None, error: str) -> dict[str, Any]:
    return plain_reply(
        t(locale, "faults.user_unreachable", who=mention(user_id), number=number or "-", error=error)
    )


def trigger_expired(locale: str) -> str:
    return t(locale, "faults.trigger_expired")


def database_unavailable(locale: str, ref: str) -> str:
    return t(locale, "faults.database_unavailable", ref=ref)
