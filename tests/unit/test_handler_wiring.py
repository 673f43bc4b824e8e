"""How listeners are wired: every parameter a listener names is one bolt can inject (``services``
comes from the first middleware), and the form helpers put each refusal where the user will see it."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.kwargs_injection.async_args import AsyncArgs

import handlers
from bot.domain.errors import DomainError, FieldErrors
from handlers.feedback import field_errors, view_number
from messages.view_models import Reader

# What bolt injects by name (slack_bolt.kwargs_injection), plus what our middleware puts in the context.
INJECTABLE = {*inspect.signature(AsyncArgs).parameters, "services"} - {"kwargs"}


def _app() -> AsyncApp:
    app = AsyncApp(token="xoxb-test", signing_secret="test-secret")
    handlers.register_all(app, services=object())  # registration only
    return app


def test_every_listener_names_only_injectable_arguments() -> None:
    app = _app()
    listeners = app._async_listeners
    assert len(listeners) >= 35
    for listener in listeners:
        unknown = set(listener.arg_names) - INJECTABLE
        assert not unknown, f"{listener.ack_function.__qualname__} names {unknown}, which bolt can't inject"


def test_services_reach_the_context_before_any_other_middleware_of_ours() -> None:
    from slack_bolt.middleware.async_custom_middleware import AsyncCustomMiddleware

    ours = [m for m in _app()._async_middleware_list if isinstance(m, AsyncCustomMiddleware)]
    assert ours[0].func.__qualname__.startswith("provide_services")
    assert "services" in ours[1].arg_names  # the DM fallback for respond uses it


def test_every_wrong_field_is_shown_at_once_and_a_fieldless_error_on_the_default() -> None:
    reader = Reader("U1", "en", "Asia/Shanghai")
    error = FieldErrors(
        [
            DomainError("bad_date", field="due", text="31/31"),
            DomainError("bad_date", field="due", text="again"),  # the first one per field is shown
            DomainError("stale_action", number="?"),  # about no field: on the default
        ]
    )
    errors: dict[str, Any] = field_errors(reader, error, ("due", "title"), "title")
    assert set(errors) == {"due", "title"}
    assert all(len(text) <= 150 and not text.startswith(":warning:") for text in errors.values())
    one = field_errors(reader, DomainError("bad_date", field="elsewhere", text="x"), ("due",), "title")
    assert set(one) == {"title"}


def test_a_tampered_form_is_a_stale_action() -> None:
    assert view_number({"private_metadata": "42"}) == 42
    with pytest.raises(DomainError) as caught:
        view_number({"private_metadata": "42; drop"})
    assert caught.value.code == "stale_action"
