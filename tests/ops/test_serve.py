"""``duban serve`` as an operator starts it: the token checked at start, /metrics, JSON logs, SIGTERM."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from bot.emulator.driver import SlackEmulator
from tests.ops.conftest import METRICS_TOKEN, free_port, operator_env, run_duban, start_serve


@pytest.mark.parametrize(
    ("command", "error"),
    [pytest.param("serve", "invalid_auth", id="serve"), pytest.param("socket", "token_revoked", id="socket")],
)
async def test_a_refused_token_stops_the_start_with_one_line(
    slack: SlackEmulator, workdir: Path, command: str, error: str
) -> None:
    database = workdir / "duban.db"
    env = operator_env(slack, f"sqlite+aiosqlite:///{database}", PORT=str(free_port()))
    if error == "invalid_auth":
        env["SLACK_BOT_TOKEN"] = "xoxb-somebody-elses-token"
    else:
        env["SLACK_APP_TOKEN"] = "xapp-1-test"
        slack.inject_failure("auth.test", error=error)
    result = await run_duban(command, env=env, cwd=workdir)
    assert result.code == 3, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"duban: Slack refused SLACK_BOT_TOKEN ({error}): ")
    assert "xoxb-" not in lines[0].replace("(xoxb-…)", "")  # never the token itself
    assert not database.exists()  # stopped before touching the database


async def test_the_token_is_checked_at_start_not_on_the_first_request(
    slack: SlackEmulator, migrated_sqlite: str, workdir: Path
) -> None:
    server = await start_serve(operator_env(slack, migrated_sqlite), workdir)
    try:
        assert len(slack.calls_to("auth.test")) == 1
        slack.app_url = f"{server.url}/slack/events"
        reply = await slack.slash("U0LEADER", "help")
        assert reply.status == 200 and "is no longer available" not in reply.text
        assert len(slack.calls_to("auth.test")) == 1  # bolt answered from the start-up check
    finally:
        code = await server.stop()
    assert code == 0, "\n".join(server.stderr)  # SIGTERM is a clean stop


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as resp:
        return resp.status, await resp.text()


SERIES = (
    "duban_requests_total",
    "duban_ack_seconds_bucket",
    "duban_slack_api_calls_total",
    "duban_slack_api_errors_total",
    "duban_outbox_rows",
    "duban_outbox_oldest_pending_age_seconds",
    "duban_sweep_duration_seconds_count",
    "duban_sweep_items_total",
    "duban_sweep_failures_total",
    "duban_urgings_sent_total",
    "duban_bulletins_posted_total",
)


async def test_metrics_answer_loopback_and_bearer_only(
    slack: SlackEmulator, migrated_sqlite: str, workdir: Path
) -> None:
    env = operator_env(slack, migrated_sqlite, DUBAN_METRICS_TOKEN=METRICS_TOKEN)
    server = await start_serve(env, workdir)
    try:
        slack.app_url = f"{server.url}/slack/events"
        # An assignment: the notice goes out through the outbox (a Slack call the dispatcher makes).
        reply = await slack.slash("U0LEADER", "assign <@U0HEADA|张伟> 修订防汛应急预案 due +10d")
        assert reply.status == 200, reply.body
        slack.inject_failure("users.info", error="user_not_found", times=50)
        await slack.slash("U0STAFFA", "list")
        status, text = await _get(f"{server.url}/metrics")
        assert status == 200
        for name in SERIES:
            assert (
                f"# TYPE {name.removesuffix('_total').removesuffix('_bucket').removesuffix('_count')}" in text
            ), name
        assert 'duban_requests_total{command="assign",kind="command",status="200"} 1.0' in text
        assert 'duban_ack_seconds_count{command="assign",kind="command"} 1.0' in text
        assert 'duban_slack_api_calls_total{method="auth.test"} 1.0' in text
        # Outsiders, or anything a proxy forwards, need the token.
        forwarded = {"X-Forwarded-For": "203.0.113.7"}
        assert (await _get(f"{server.url}/metrics", forwarded))[0] == 403
        wrong = {**forwarded, "Authorization": "Bearer nope"}
        assert (await _get(f"{server.url}/metrics", wrong))[0] == 403
        right = {**forwarded, "Authorization": f"Bearer {METRICS_TOKEN}"}
        assert (await _get(f"{server.url}/metrics", right))[0] == 200
    finally:
        await server.stop()


async def test_json_logs_parse_line_by_line(
    slack: SlackEmulator, migrated_sqlite: str, workdir: Path
) -> None:
    server = await start_serve(operator_env(slack, migrated_sqlite, DUBAN_LOG_FORMAT="json"), workdir)
    try:
        slack.app_url = f"{server.url}/slack/events"
        assert (await slack.slash("U0LEADER", "show DB-2026-0042")).status == 200
    finally:
        assert await server.stop() == 0
    lines = [json.loads(line) for line in server.stderr if line.strip()]  # every line is JSON
    assert lines, "serve logged nothing"
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys(), line
    handled = [line for line in lines if line.get("event") == "command:show"]
    assert handled, lines
    assert handled[0]["user"] == "U0LEADER" and handled[0]["item"] == "DB-2026-0042"
    assert handled[0]["request_id"]
    text = "\n".join(server.stderr)
    assert "xoxb-ops-test-token" not in text and "0123456789abcdef0123456789abcdef" not in text
    assert "Context impl" not in text  # alembic's start-up chatter is quiet
