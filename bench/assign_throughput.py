"""assign_throughput: assignments per second through the service layer, one at a time and 20 at once.

Every assignment is the real use case: authorise, allocate the number, write the item, its owner rows,
dossier events and the notice outbox rows in one transaction. Numbers come from ``number_counters``,
whose row lock serialises allocation by design (gap-free numbering), so concurrency buys little.
"""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select

from bench.common import (
    ASSIGNER,
    Result,
    Stopwatch,
    Table,
    bench_database,
    bench_world,
    latency_summary,
    params,
    peak_rss_mb,
    rounded,
)
from bot.domain.commands import UserRef
from bot.services.assign import AssignRequest
from storage.models import ItemRow

NAME = "assign_throughput"
CONCURRENCY = 20
LEADS = ("U0HEADA", "U0STAFFA", "U0HEADB", "U0STAFFB", "U0STAFFB2")


def _request(n: int) -> AssignRequest:
    return AssignRequest(
        lead=UserRef(user_id=LEADS[n % len(LEADS)]),
        co=(UserRef(user_id=LEADS[(n + 1) % len(LEADS)]),) if n % 3 == 0 else (),
        title=f"落实第{n}项会议决定 benchmark",
        requirements="按期报送落实情况。",
        due_date=date(2026, 12, 15),
    )


async def run(db: str, quick: bool, table: Table) -> None:
    sequential = 60 if quick else 200
    concurrent = 120 if quick else 400
    async with bench_database(db) as url, bench_world(url) as world:
        assign = world.runtime.services.assign.assign
        counter = 0

        async def one() -> float:
            nonlocal counter
            counter += 1
            watch = Stopwatch()
            result = await assign(ASSIGNER, _request(counter), request_key=f"bench:{counter}")
            assert result.created
            return watch.elapsed

        for _ in range(5):  # warm up
            await one()

        watch = Stopwatch()
        latencies = [await one() for _ in range(sequential)]
        wall = watch.elapsed
        table.add(
            Result(
                NAME,
                db,
                params(mode="sequential", n=sequential),
                f"{rounded(sequential / wall)} assignments/s, {latency_summary(latencies)}",
            )
        )

        queue = iter(range(concurrent))
        latencies = []

        async def worker() -> None:
            for _ in queue:
                latencies.append(await one())

        watch = Stopwatch()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        wall = watch.elapsed
        async with world.runtime.sessions() as session:
            count, top = (await session.execute(select(func.count(), func.max(ItemRow.seq)))).one()
        gap_free = "numbers gap-free" if count == top == counter else f"NUMBERING MISMATCH {count}/{top}"
        table.add(
            Result(
                NAME,
                db,
                params(mode=f"{CONCURRENCY} concurrent", n=concurrent),
                f"{rounded(concurrent / wall)} assignments/s, {latency_summary(latencies)}; "
                f"number allocation is serialised by design (row lock on number_counters); "
                f"{gap_free} (peak RSS {peak_rss_mb():.0f} MB)",
            )
        )
