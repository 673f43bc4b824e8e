"""Slack listeners: plain module-level functions, one module per feature, each module's ``register(app)``
wiring its listeners to bolt (``app.action(ID)(listener)``, ``app.view(CALLBACK)(listener)``, …).

A listener names what it needs and bolt injects it by name: ``ack``, ``body``, ``view``, ``respond``,
``client``, … and ``services``, which the first middleware puts into the context. So a listener is
testable by calling it. Handlers are thin: parse what Slack sent, call one service, render the answer,
reply (``answer_click`` for buttons, ``open_form`` for buttons that open a form, ``submit_form`` for
modals). ``/duban`` subcommands are routes in the table ``handlers.commands.ROUTES``. Handlers never
touch storage; business rules live in ``bot.domain`` and ``bot.services``.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers import (
    actions,
    approval,
    commands,
    corrections,
    errors,
    events,
    feedback,
    meetings,
    publications,
    quiet,
    reports,
    shortcut,
    signoff,
    timeline,
    urging,
    views,
)

# In bolt the first listener that matches wins: events.register comes last (whatever nothing else took).
FEATURES = (
    commands, actions, views, urging, reports, approval, publications, corrections, shortcut, signoff, quiet,
    meetings, timeline,
)


def register_all(app: AsyncApp, services: Services) -> None:
    app.middleware(feedback.provide_services(services))  # first: later middleware and listeners use it
    app.middleware(feedback.respond_by_dm_without_response_url)
    for module in FEATURES:
        module.register(app)
    errors.register(app, services)
    events.register(app)
