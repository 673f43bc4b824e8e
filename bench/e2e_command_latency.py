"""e2e_command_latency: signed ``/duban list`` and ``/duban show 1`` through the real aiohttp + bolt app.

The emulator signs each slash command like Slack and POSTs it to the bot over loopback; the bot does
all its work before the ack (``process_before_response``), so the HTTP round trip is what Slack's
3-second ack window measures. 500 items are in the database; the caller is a supervisor, who sees all.
"""

from __future__ import annotations

from bench.common import (
    START,
    ItemBatch,
    Result,
    Table,
    analyze,
    bench_database,
    bench_world,
    insert_items,
    latency_summary,
    params,
    peak_rss_mb,
    set_counter,
)

NAME = "e2e_command_latency"
ITEMS = 500
CALLER = "U0SUPER"
OWNERS = ("U0HEADA", "U0STAFFA", "U0HEADB", "U0STAFFB", "U0STAFFB2")
ACK_WINDOW_S = 3.0


async def run(db: str, quick: bool, table: Table) -> None:
    requests = 50 if quick else 200
    async with bench_database(db) as url, bench_world(url, serve_http=True) as world:
        await insert_items(
            world.engine,
            ItemBatch(
                first_seq=1,
                count=ITEMS,
                owners=OWNERS,
                state="in_progress",
                due=START.date(),
                due_spread_days=30,
                title="落实会议决定 meeting follow-up",
            ),
        )
        await set_counter(world.engine, 2026, ITEMS)
        await analyze(world.engine)
        for text, expect in (("list", "DB-2026-"), ("show 1", "DB-2026-0001")):
            for _ in range(5):  # warm up
                await world.slack.slash(CALLER, text)
            samples = []
            for _ in range(requests):
                reply = await world.slack.slash(CALLER, text)
                if reply.status != 200 or expect not in str(reply.body):
                    raise AssertionError(f"/duban {text}: HTTP {reply.status} {str(reply.body)[:200]}")
                samples.append(reply.elapsed)
            worst = max(samples)
            table.add(
                Result(
                    NAME,
                    db,
                    params(command=f"'/duban {text}'", requests=requests, items=ITEMS),
                    f"{latency_summary(samples)}; ack window 3000 ms, worst used "
                    f"{worst / ACK_WINDOW_S:.1%} (peak RSS {peak_rss_mb():.0f} MB)",
                )
            )
