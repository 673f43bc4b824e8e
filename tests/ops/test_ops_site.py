"""The operations site that ``duban socket`` serves on $PORT: /healthz and /metrics, no /slack/events."""

from __future__ import annotations

import aiohttp

from bot.app import build_runtime
from bot.emulator.driver import SlackEmulator
from bot.settings import load_settings
from tests.ops.conftest import SECRET, TOKEN


async def test_socket_mode_serves_health_and_metrics_only(slack: SlackEmulator, migrated_sqlite: str) -> None:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": migrated_sqlite,
        }
    )
    runtime = await build_runtime(settings, migrate=False, verify_slack=True)
    try:
        port = await runtime.serve_http("127.0.0.1", 0, slack=False)
        await runtime.sweep()
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as resp:
                assert resp.status == 200
            async with http.get(f"{base}/metrics") as resp:
                text = await resp.text()
                assert resp.status == 200
            async with http.post(f"{base}/slack/events", data=b"{}") as resp:
                assert resp.status == 404  # Slack's requests come over the socket, never over HTTP here
        assert "duban_sweep_duration_seconds_count 1.0" in text
        assert 'duban_slack_api_calls_total{method="auth.test"} 1.0' in text
        assert 'duban_outbox_rows{status="pending"} 0.0' in text
    finally:
        await runtime.close()
