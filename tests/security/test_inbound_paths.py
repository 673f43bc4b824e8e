"""Every inbound path refuses what did not come from Slack: forged or missing signatures, stale timestamps,
wrong content types, oversized and malformed bodies. Refused means a 4xx answer, nothing written to the
database and no Web API call. Counted per path in docs/reliability.md."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.emulator.transport import FORM, JSON, sign
from storage.models import InboundRequestRow, ItemEventRow, ItemRow, OutboxRow
from tests.e2e.conftest import SECRET, World

MAX_BODY = 1024 * 1024  # aiohttp's default client_max_size


def _slash() -> tuple[bytes, str]:
    fields = {
        "command": "/duban",
        "text": "assign <@U0HEADA> forged item due +5d",
        "user_id": "U0LEADER",
        "team_id": "T0DEMO",
        "channel_id": "D0001",
        "trigger_id": "t.forged",
        "response_url": "http://127.0.0.1:9/none",
    }
    return urlencode(fields).encode(), FORM


def _action() -> tuple[bytes, str]:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0HEADA"},
        "team": {"id": "T0DEMO"},
        "trigger_id": "t.forged",
        "actions": [{"action_id": "ack_notice", "block_id": "b", "value": "1", "type": "button"}],
        "response_url": "http://127.0.0.1:9/none",
    }
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def _view() -> tuple[bytes, str]:
    payload = {
        "type": "view_submission",
        "user": {"id": "U0LEADER"},
        "team": {"id": "T0DEMO"},
        "view": {
            "id": "V0FORGED",
            "callback_id": "assign_form",
            "private_metadata": "",
            "state": {"values": {}},
        },
    }
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


def _event() -> tuple[bytes, str]:
    envelope = {
        "type": "event_callback",
        "team_id": "T0DEMO",
        "event_id": "Ev0FORGED",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U0HEADA", "tab": "home"},
    }
    return json.dumps(envelope).encode(), JSON


PATHS: dict[str, Callable[[], tuple[bytes, str]]] = {
    "slash_command": _slash,
    "block_action": _action,
    "view_submission": _view,
    "events_api": _event,
}


async def _post(world: World, body: bytes, headers: dict[str, str]) -> int:
    url = world.slack.app_url
    assert url
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        await response.read()
        return response.status


def _signed_headers(body: bytes, content_type: str, *, timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(SECRET, ts, body),
    }


async def _assert_nothing_happened(world: World, calls_before: int) -> None:
    for table in (ItemRow, ItemEventRow, OutboxRow, InboundRequestRow):
        count = await world.scalar(select(func.count()).select_from(table))
        assert count == 0, f"{table.__tablename__} has {count} rows"
    await world.slack.settle()
    assert len(world.slack.calls) == calls_before, [c.method for c in world.slack.calls[calls_before:]]


def _cases(path: str) -> dict[str, Callable[[], tuple[bytes, dict[str, str]]]]:
    make = PATHS[path]

    def forged() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        headers = _signed_headers(body, ctype)
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
        return body, headers

    def signed_with_other_secret() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        ts = int(time.time())
        return body, {
            "Content-Type": ctype,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign("not-the-secret", ts, body),
        }

    def missing_headers() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        return body, {"Content-Type": ctype}

    def missing_signature() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        headers = _signed_headers(body, ctype)
        del headers["X-Slack-Signature"]
        return body, headers

    def stale() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        return body, _signed_headers(body, ctype, timestamp=int(time.time()) - 6 * 60)

    def from_the_future() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        return body, _signed_headers(body, ctype, timestamp=int(time.time()) + 6 * 60)

    def body_altered_after_signing() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        headers = _signed_headers(body, ctype)
        return body.replace(b"U0", b"U1", 1), headers

    def wrong_content_type() -> tuple[bytes, dict[str, str]]:
        body, _ = make()
        return body, _signed_headers(body, "text/plain")

    def oversized() -> tuple[bytes, dict[str, str]]:
        body, ctype = make()
        body = body + b"&padding=" + b"x" * (MAX_BODY + 10)
        return body, _signed_headers(body, ctype)

    def malformed() -> tuple[bytes, dict[str, str]]:
        _, ctype = make()
        body = b"payload=%7B%22type%22%3A" if ctype == FORM else b'{"type": "event_callback", '
        return body, _signed_headers(body, ctype)

    return {
        "forged_signature": forged,
        "signed_with_another_secret": signed_with_other_secret,
        "missing_headers": missing_headers,
        "missing_signature": missing_signature,
        "stale_timestamp": stale,
        "timestamp_in_the_future": from_the_future,
        "body_altered_after_signing": body_altered_after_signing,
        "wrong_content_type": wrong_content_type,
        "oversized_body": oversized,
        "malformed_body": malformed,
    }


CASES = [(path, case) for path in PATHS for case in _cases(path)]


@pytest.mark.parametrize(("path", "case"), CASES, ids=[f"{p}-{c}" for p, c in CASES])
async def test_inbound_request_is_refused_and_leaves_no_trace(world: World, path: str, case: str) -> None:
    calls_before = len(world.slack.calls)
    body, headers = _cases(path)[case]()
    status = await _post(world, body, headers)
    assert 400 <= status < 500, status
    await _assert_nothing_happened(world, calls_before)
