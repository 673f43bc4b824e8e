"""Nothing slow before the ack: with Slack answering every Web API call only after 5 s, `duban serve`
still acknowledges `/duban help` and `/duban list` within Slack's 3 s — for a first-seen user (no cached
profile: the organisation's language for that reply, the profile fetched after the ack) and for one
seen before. Profiles come from the database cache; users.info runs after the answer, not before it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator.driver import SlackEmulator

from .conftest import Service

ACK_WINDOW_S = 3.0
SLACK_DELAY_S = 5.0
NEWCOMER = "U0STAFFA"  # in the workspace, never seen by the bot


@pytest.fixture
async def serve(emulator: SlackEmulator, empty_db_url: str, tmp_path: Path) -> AsyncIterator[Service]:
    svc = Service("serve", emulator, empty_db_url, tmp_path)
    try:
        yield svc
    finally:
        emulator.slow_api(0)
        await svc.cleanup()
        print(svc.output())


async def test_help_and_list_are_acked_in_time_while_slack_is_slow(
    serve: Service, emulator: SlackEmulator
) -> None:
    await serve.start()
    emulator.slow_api(SLACK_DELAY_S)
    for text, expect in (("help", "/duban"), ("list", ""), ("list overdue", ""), ("help", "/duban")):
        reply = await emulator.slash(NEWCOMER, text)
        assert reply.status == 200, reply.body
        assert reply.elapsed < ACK_WINDOW_S, f"/duban {text} acked after {reply.elapsed:.2f} s"
        assert reply.message is not None, f"no answer to /duban {text}"
        assert expect in reply.message.all_text()
    # The first reply was in the organisation's language (zh by default), not an error.
    first = emulator.calls_to("users.info")
    assert all(c.params.get("user") == NEWCOMER for c in first)
