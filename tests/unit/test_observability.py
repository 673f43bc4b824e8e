"""Who may read /metrics, what a request is labelled, and that log lines never carry a secret."""

from __future__ import annotations

import json
import logging

import pytest

from bot import logs
from bot.observability import metrics_allowed, request_labels

TOKEN = "metrics-secret-1"


@pytest.mark.parametrize(
    ("peer", "headers", "allowed"),
    [
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("::ffff:127.0.0.1", {}, True),
        ("10.0.0.8", {}, False),
        ("203.0.113.7", {"Authorization": f"Bearer {TOKEN}"}, True),
        ("203.0.113.7", {"Authorization": "Bearer wrong"}, False),
        ("203.0.113.7", {"Authorization": TOKEN}, False),
        # A reverse proxy on this host forwards outsiders from loopback: forwarded means outside.
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}, False),
        ("127.0.0.1", {"Forwarded": "for=203.0.113.7"}, False),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7", "Authorization": f"Bearer {TOKEN}"}, True),
        (None, {}, False),
        ("not-an-address", {}, False),
    ],
)
def test_metrics_access(peer: str | None, headers: dict[str, str], allowed: bool) -> None:
    assert metrics_allowed(peer, headers, TOKEN) is allowed


def test_without_a_configured_token_only_loopback_reads() -> None:
    assert metrics_allowed("127.0.0.1", {}, None)
    assert not metrics_allowed("203.0.113.7", {"Authorization": "Bearer "}, None)
    assert not metrics_allowed("203.0.113.7", {"Authorization": "Bearer None"}, None)


@pytest.mark.parametrize(
    ("body", "labels"),
    [
        ({"command": "/duban", "text": "assign <@U1> 修订预案 due +10d"}, ("command", "assign")),
        ({"command": "/duban", "text": "交办 <@U1> 修订预案"}, ("command", "assign")),
        ({"command": "/duban", "text": "frobnicate now"}, ("command", "invalid")),
        ({"type": "block_actions", "actions": [{"action_id": "notice_ack"}]}, ("action", "notice_ack")),
        (
            {"type": "view_submission", "view": {"callback_id": "assign_form"}},
            ("view_submission", "assign_form"),
        ),
        ({"type": "message_action", "callback_id": "duban_message"}, ("shortcut", "duban_message")),
        ({"type": "event_callback", "event": {"type": "app_home_opened"}}, ("event", "app_home_opened")),
    ],
)
def test_requests_are_labelled_by_kind_and_command(body: dict, labels: tuple[str, str]) -> None:
    assert request_labels(body) == labels


def test_redactor_masks_tokens_passwords_and_configured_secrets() -> None:
    redact = logs.Redactor(["s3cret-signing-value"])
    text = redact(
        "token xoxb-123-456-abc, app xapp-1-A0-xyz, "
        "db postgresql://duban:hunter2@db/duban, s3cret-signing-value"
    )
    assert "xoxb-123" not in text and "xapp-1-A0" not in text and "hunter2" not in text
    assert "s3cret-signing-value" not in text
    assert "xoxb-***" in text and "postgresql://duban:***@db/duban" in text


def test_json_lines_carry_the_request_context(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    logs.configure(fmt="json", secrets=["signing-secret-value"])
    try:
        with logs.request_scope(request_id="r1", user="U0LEADER", event="command:show"):
            logs.bind(item="DB-2026-0001")
            logging.getLogger("duban.test").warning("showing %s with signing-secret-value", "DB-2026-0001")
        logging.getLogger("duban.test").warning("outside any request")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert first["request_id"] == "r1" and first["user"] == "U0LEADER" and first["item"] == "DB-2026-0001"
    assert (
        first["event"] == "command:show" and first["level"] == "warning" and first["logger"] == "duban.test"
    )
    assert "signing-secret-value" not in first["message"]
    assert "request_id" not in second


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_demo_log_lines_carry_the_demo_clocks_time(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The demo console prints log lines among messages stamped by its clock: a line in the machine's UTC time
    # (say 02:40 while the demo reads Monday 09:00 in Shanghai) is wrong by hours and days.
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.domain.clock import ManualClock

    clock = ManualClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    logs.configure(fmt=fmt)
    logs.stamp_with(clock.now, ZoneInfo("Asia/Shanghai"))
    try:
        logging.getLogger("duban.test").warning("sweep")
        clock.advance(timedelta(days=2, hours=3))
        logging.getLogger("duban.test").warning("sweep again")
    finally:
        logs.stamp_with(None)
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    first, second = capsys.readouterr().err.splitlines()
    if fmt == "json":
        first, second = json.loads(first)["time"], json.loads(second)["time"]
    assert first.startswith("2026-12-01") and "09:00:00" in first, first
    assert second.startswith("2026-12-03") and "12:00:00" in second, second
