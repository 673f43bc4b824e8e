"""dispatch_burst: 1,000 due reminders to 50 people, queued by the urging sweep, drained to the emulator.

1. Raw: a dispatcher with pacing switched off drains the outbox as fast as it can; every send is a
   real chat.postMessage over loopback HTTP (claim, send, mark sent, record the message).
2. Paced: the same rows are put back to pending and the runtime's own dispatcher (default pacing:
   about 1 message per second per channel, chat.postMessage budget 600/min with a 10 s burst) runs
   once per simulated second, the scheduler's beat, on a ManualClock we advance. We then read when
   each row was sent (``sent_at``, simulated time) and how the sends spread over channels and seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import delete, select, update

from bench.common import (
    START,
    TODAY,
    ItemBatch,
    Result,
    Stopwatch,
    Table,
    bench_database,
    bench_users,
    bench_world,
    insert_items,
    ms,
    params,
    peak_rss_mb,
    rounded,
)
from bot.app import make_client
from bot.dispatcher import OutboxDispatcher
from storage import outbox
from storage.models import OutboxRow, SlackMessageRow

NAME = "dispatch_burst"
USERS = 50


async def _pending(world) -> int:  # type: ignore[no-untyped-def]
    return await outbox.pending_count(world.runtime.sessions)


async def run(db: str, quick: bool, table: Table) -> None:
    reminders = 300 if quick else 1000
    users = bench_users(USERS)
    owners = [u.user_id for u in users]
    async with bench_database(db) as url, bench_world(url, extra_users=users) as world:
        runtime, clock = world.runtime, world.clock
        await insert_items(
            world.engine,
            ItemBatch(
                first_seq=1,
                count=reminders,
                owners=owners,
                state="issued",
                due=TODAY,
                next_urge_at=START - timedelta(minutes=1),
            ),
        )
        watch = Stopwatch()
        urged = 0
        while (done := await runtime.services.urging.sweep()) > 0:
            urged += done
        queue_s = watch.elapsed
        queued = await _pending(world)
        assert queued == reminders == urged, (queued, reminders, urged)

        # 1. raw: no pacing, as fast as claim + HTTP + mark allows.
        raw = OutboxDispatcher(
            runtime.sessions,
            make_client(runtime.settings, retry_connection_errors=False),
            clock,
            worker_id="bench-raw",
            method_budgets={"chat.postMessage": 10**9},
            channel_interval=timedelta(0),
            shared_pacing=False,
        )
        calls_before = len(world.slack.calls_to("chat.postMessage"))
        watch = Stopwatch()
        sent = 0
        while await _pending(world):
            sent += (await raw.drain(max_rounds=1000)).sent
        raw_s = watch.elapsed
        http_sends = len(world.slack.calls_to("chat.postMessage")) - calls_before
        table.add(
            Result(
                NAME,
                db,
                params(mode="raw (pacing off)", messages=reminders, users=USERS),
                f"{rounded(http_sends / raw_s)} msgs/s over HTTP, {ms(raw_s / http_sends)}/msg "
                f"({http_sends} chat.postMessage in {raw_s:.2f} s; sweep queued them in {queue_s:.2f} s)",
            )
        )
        assert sent == http_sends == reminders, (sent, http_sends)

        # 2. paced: put the rows back and let the runtime's dispatcher run on the scheduler's 1 s beat.
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
        started_at = clock.now()
        beats = 0
        watch = Stopwatch()
        while await _pending(world):
            await runtime.dispatcher.run_once()
            beats += 1
            clock.advance(timedelta(seconds=1))
            if beats > 10_000:
                raise RuntimeError("the paced dispatcher made no progress")
        wall_s = watch.elapsed
        async with runtime.sessions() as session:
            rows = (await session.execute(select(OutboxRow.sent_at, OutboxRow.payload))).all()
        per_channel_second: Counter[tuple[str, int]] = Counter()
        per_second: Counter[int] = Counter()
        times: defaultdict[str, list[float]] = defaultdict(list)
        for sent_at, payload in rows:
            second = int((sent_at - started_at).total_seconds())
            per_channel_second[(payload["channel"], second)] += 1
            per_second[second] += 1
            times[payload["channel"]].append((sent_at - started_at).total_seconds())
        gaps = [b - a for ts in times.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)]
        span = max(per_second) + 1
        steady = [per_second.get(s, 0) for s in range(min(15, span - 1), span - 1)] or [0]
        table.add(
            Result(
                NAME,
                db,
                params(mode="paced (ManualClock, 1 s beats)", messages=reminders, users=USERS),
                f"{len(rows)} sent over {span} simulated s; max per channel per second "
                f"{max(per_channel_second.values())}, min gap on a channel {min(gaps):.1f} s; "
                f"first second {per_second[0]}, steady max {max(steady)}/s; "
                f"{beats} beats took {wall_s:.2f} s wall ({rounded(len(rows) / wall_s)} msgs/s) "
                f"(peak RSS {peak_rss_mb():.0f} MB)",
            )
        )
