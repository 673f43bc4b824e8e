"""Slack pacing shared between replicas: two dispatchers on their own engines (as two processes would be)
drain one PostgreSQL outbox into the emulator, in real time. Slack saw at most one message a second per
channel and no more than the workspace budget for the method; with per-process pacing the same load breaks
both (the control case, so the check can fail)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dispatcher import OutboxDispatcher
from bot.domain.clock import SystemClock
from bot.emulator.driver import SlackEmulator
from storage import outbox
from storage.db import make_session_factory

TOKEN = "xoxb-pacing"
CHANNELS = ("U0HEADA", "U0HEADB", "U0STAFFA")
PER_CHANNEL = 6
BUDGET_PER_MINUTE = 30  # 0.5 a second, a burst of 5
SECONDS = 6.0
JITTER = 0.2  # between taking a slot and the call reaching Slack


async def _run(engine_factory: Callable[[], AsyncEngine], *, shared: bool) -> list[tuple[float, str]]:
    slack = SlackEmulator(signing_secret="s", bot_token=TOKEN)
    await slack.start()
    clock = SystemClock()
    engines = [engine_factory(), engine_factory()]
    try:
        async with make_session_factory(engines[0]).begin() as session:
            for n in range(PER_CHANNEL):
                for channel in CHANNELS:
                    await outbox.enqueue(
                        session,
                        idem_key=f"pace:{shared}:{channel}:{n}",
                        method="chat.postMessage",
                        payload={"channel": channel, "text": f"{channel} {n}"},
                        now=clock.now(),
                    )
        replicas = [
            OutboxDispatcher(
                make_session_factory(engine),
                AsyncWebClient(token=TOKEN, base_url=slack.api_url, retry_handlers=[]),
                clock,
                worker_id=f"replica-{i}",
                batch_size=4,
                method_budgets={"chat.postMessage": BUDGET_PER_MINUTE},
                shared_pacing=shared,
            )
            for i, engine in enumerate(engines)
        ]
        deadline = time.monotonic() + SECONDS

        async def beat(replica: OutboxDispatcher) -> None:
            while time.monotonic() < deadline:
                await replica.run_once()
                await asyncio.sleep(0.05)

        await asyncio.gather(*(beat(r) for r in replicas))
        calls = [c for c in slack.calls_to("chat.postMessage") if c.ok]
        return [(c.at, str(c.params["channel"])) for c in calls]
    finally:
        await slack.stop()


def _closest_gap_per_channel(calls: list[tuple[float, str]]) -> float:
    times: dict[str, list[float]] = defaultdict(list)
    for at, channel in sorted(calls):
        times[channel].append(at)
    return min(b - a for series in times.values() for a, b in pairwise(series))


def _over_budget(calls: list[tuple[float, str]]) -> int:
    """Calls beyond what the bucket allows (burst + rate × elapsed) at the worst moment."""
    rate, burst = BUDGET_PER_MINUTE / 60, BUDGET_PER_MINUTE / 60 * 10
    times = sorted(at for at, _ in calls)
    return max(
        0, max(n + 1 - (burst + rate * (at - times[0]) + rate * JITTER) for n, at in enumerate(times))
    ).__ceil__()


async def test_two_replicas_share_the_channel_and_workspace_budgets(
    db_url: str, engine_factory: Callable[[], AsyncEngine]
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database; SQLite serves one process")
    shared = await _run(engine_factory, shared=True)
    assert len(shared) >= 7  # the burst and then the budget's pace: enough to see both limits at work
    assert {c for _, c in shared} == set(CHANNELS)
    assert _closest_gap_per_channel(shared) >= 1.0 - JITTER
    assert _over_budget(shared) == 0

    local = await _run(engine_factory, shared=False)  # the control: each replica paces alone
    assert _closest_gap_per_channel(local) < 1.0 - JITTER or _over_budget(local) > 0
