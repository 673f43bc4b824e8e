"""Slack listeners: one module per listener kind, each with ``register(app, services)``.

Handlers are thin: parse what Slack sent, call one service, render the answer, reply. They never touch
storage; business rules live in ``bot.domain`` and ``bot.services``.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers import (
    actions,
    admin,
    commands,
    corrections,
    errors,
    events,
    feedback,
    meetings,
    publications,
    reports,
    shortcut,
    timeline,
    urging,
    views,
)


def register_all(app: AsyncApp, services: Services) -> None:
    app.middleware(feedback.respond_by_dm_without_response_url(services))
    listeners = (
        commands, admin, actions, views, events, urging, reports, publications, corrections, shortcut
    )
    for module in (*listeners, meetings, timeline, errors):
        module.register(app, services)
    events.register_fallback(app, services)  # last: whatever nothing else took
