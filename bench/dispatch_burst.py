"""dispatch_burst: M due reminders to M different people, queued by the sweep, delivered under Slack's limits
(issue 13, target 4: M = 5,000; ``--quick``: 300).

1. Queue: M items fall due at once; one ``UrgingService.sweep()`` queues one DM each.
2. Raw: a dispatcher with pacing off and the emulator's limits off drains the outbox as fast as it can
   (claim, chat.postMessage over loopback HTTP, mark sent): the machine's own ceiling.
3. Paced: the rows go back to pending, the emulator enforces chat.postMessage limits (``bot.emulator.limits``:
   1 per second per channel, a workspace budget of ``PER_MINUTE`` a minute with bursts of ``BURST_S``
   seconds' worth) on the same ManualClock the runtime's own dispatcher runs on, one round per simulated
   second (the scheduler's beat). The floor those limits imply is ``(M - burst) / rate`` seconds (one
   message per person, so the channel rule never binds); we print the simulated time taken beside it and
   every 429 the emulator answered.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import aiohttp
from sqlalchemy import delete, select, update

from bench.common import (
    START,
    TODAY,
    Result,
    Stopwatch,
    Table,
    bench_database,
    bench_users,
    bench_world,
    ms,
    params,
    peak_rss_mb,
    rounded,
)
from bench.seed_sql import SqlBatch, insert_items_sql
from bot.app import make_client
from bot.dispatcher import OutboxDispatcher
from bot.emulator.limits import RateLimits
from bot.pacing import DEFAULT_METHOD_BUDGETS
from storage import outbox
from storage.models import OutboxRow, SlackMessageRow

NAME = "dispatch_burst"
PER_MINUTE = DEFAULT_METHOD_BUDGETS["chat.postMessage"]  # the emulator's workspace budget = our pacing's
BURST_S = 10.0
TARGET = 1.10  # within 10% of the floor


async def _pending(world) -> int:  # type: ignore[no-untyped-def]
    return await outbox.pending_count(world.runtime.sessions)


def floor_seconds(messages: int, limits: RateLimits) -> float:
    burst = max(1.0, limits.per_minute / 60.0 * limits.burst_seconds)
    return max(0.0, (messages - burst) * limits.interval)


async def run(db: str, quick: bool, table: Table) -> None:
    people = 300 if quick else 5000
    users = bench_users(people)
    limits = RateLimits(per_minute=PER_MINUTE, burst_seconds=BURST_S)
    async with (
        bench_database(db) as url,
        bench_world(url, extra_users=users, rate_limits=limits) as world,
        aiohttp.ClientSession() as http,
    ):
        runtime, clock = world.runtime, world.clock
        # One kept-alive HTTP session for the dispatchers (slack_sdk opens a new one per call otherwise).
        runtime.dispatcher.client.session = http
        world.slack.api.rate_limits = None  # off while the raw ceiling is measured
        await insert_items_sql(
            world.engine,
            SqlBatch(
                1,
                people,
                people,
                state="issued",
                due=TODAY,
                created_at=START - timedelta(days=10),
                next_urge_at=START - timedelta(minutes=1),
            ),
        )
        watch = Stopwatch()
        urged = 0
        while (done := await runtime.services.urging.sweep()) > 0:  # a sweep takes up to its batch cap
            urged += done
        queue_s = watch.elapsed
        queued = await _pending(world)
        assert queued == people == urged, (queued, people, urged)
        table.add(
            Result(
                NAME,
                db,
                params(step="queue", messages=people, people=people),
                f"the sweep queued {queued:,} DMs in {ms(queue_s)}",
            )
        )

        # 1. raw: no pacing, no limits: as fast as claim + HTTP + mark allows.
        raw = OutboxDispatcher(
            runtime.sessions,
            make_client(runtime.settings, retry_connection_errors=False),
            clock,
            worker_id="bench-raw",
            batch_size=200,
            method_budgets={"chat.postMessage": 10**9},
            channel_interval=timedelta(0),
            shared_pacing=False,
        )
        raw.client.session = http
        calls_before = len(world.slack.calls_to("chat.postMessage"))
        watch = Stopwatch()
        sent = 0
        while await _pending(world):
            sent += (await raw.drain(max_rounds=1000)).sent
        raw_s = watch.elapsed
        http_sends = len(world.slack.calls_to("chat.postMessage")) - calls_before
        assert sent == http_sends == people, (sent, http_sends)
        table.add(
            Result(
                NAME,
                db,
                params(step="raw (pacing and limits off)", messages=people),
                f"{rounded(http_sends / raw_s)} msgs/s over HTTP, {ms(raw_s / http_sends)}/msg "
                f"({http_sends:,} chat.postMessage in {raw_s:.1f} s)",
            )
        )

        # 2. paced: the rows back to pending, Slack's limits on, the runtime's own dispatcher on 1 s beats.
        async with runtime.sessions.begin() as session:
            await session.execute(delete(SlackMessageRow))
            await session.execute(
                update(OutboxRow).values(
                    status=outbox.PENDING,
                    attempts=0,
                    next_attempt_at=clock.now(),
                    sent_at=None,
                    result=None,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        limits.clock = lambda: clock.now().timestamp()
        world.slack.api.rate_limits = limits
        calls_before = len(world.slack.calls)
        started_at = clock.now()
        beats = 0
        watch = Stopwatch()
        while await _pending(world):
            await runtime.dispatcher.run_once()
            beats += 1
            clock.advance(timedelta(seconds=1))
            if beats > 20 * people:
                raise RuntimeError("the paced dispatcher made no progress")
        wall_s = watch.elapsed
        calls = [c for c in world.slack.calls[calls_before:] if c.method == "chat.postMessage"]
        refused = [c for c in calls if c.status == 429]
        async with runtime.sessions() as session:
            rows = (await session.execute(select(OutboxRow.sent_at, OutboxRow.payload))).all()
        per_second: Counter[int] = Counter(int((r.sent_at - started_at).total_seconds()) for r in rows)
        per_channel = Counter(r.payload["channel"] for r in rows)
        span = max(per_second) if per_second else 0
        floor = floor_seconds(max(len(rows), 1), limits)
        ratio = span / floor if floor else 1.0
        verdict = "met" if ratio <= TARGET and not refused else "NOT met"
        table.add(
            Result(
                NAME,
                db,
                params(step="paced", messages=people, budget=f"{PER_MINUTE}/min burst {BURST_S:.0f} s"),
                f"last of {len(rows):,} sent at {span} simulated s; floor {floor:.0f} s; "
                f"{ratio:.3f}× floor [target ≤ {TARGET:.2f}×, no 429: {verdict}]; "
                f"429s {len(refused)}; first second {per_second[0]}, steady max "
                f"{max((per_second[s] for s in range(1, span)), default=0)}/s, max per channel "
                f"{max(per_channel.values())}; {beats} beats took {wall_s:.1f} s wall "
                f"(peak RSS {peak_rss_mb():.0f} MB)",
            )
        )
