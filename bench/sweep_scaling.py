"""sweep_scaling: clearing D due items costs O(D), not O(all open items) (issue 13, target 3).

N open items wait far in the future (``next_urge_at`` two months ahead), seeded inside the database
(``bench.seed_sql``: generate_series / a recursive CTE). Then D items fall due now (a due-day reminder
each: one urging record, one outbox row and one dossier event each) and we time ``UrgingService.sweep()``
— one call, which claims, decides and writes them in batches — for D = 100 and 1,000 at N = 10k, 100k
and 1M (``--quick``: 10k and 100k). Each line also checks that exactly D urgings, D outbox rows and D
dossier events were written, and shows a sweep with nothing due. Target: 1,000 due among 1,000,000 in
< 1 s on PostgreSQL.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select, text

from bench.common import (
    START,
    TODAY,
    Result,
    Stopwatch,
    Table,
    analyze,
    bench_database,
    bench_users,
    bench_world,
    median,
    ms,
    params,
    peak_rss_mb,
)
from bench.seed_sql import SqlBatch, insert_items_sql
from bot.services.urging import URGED_STATES
from storage.models import ItemEventRow, OutboxRow, UrgeRecordRow

NAME = "sweep_scaling"
OWNERS = 500
DUE_COUNTS = (100, 1000)
TARGET_S = 1.0


async def _query_plan(world) -> str:  # type: ignore[no-untyped-def]
    """How the database finds due items (the claim query of storage/sweep_repo.py)."""
    states = ", ".join(f"'{s}'" for s in URGED_STATES)
    sql = (
        f"SELECT id FROM items WHERE next_urge_at <= :now AND state IN ({states}) "
        "ORDER BY next_urge_at, id LIMIT 500"
    )
    async with world.engine.connect() as conn:
        if world.dialect == "postgresql":
            rows = await conn.execute(text("EXPLAIN " + sql), {"now": START})
            lines = [r[0] for r in rows]
        else:
            rows = await conn.execute(text("EXPLAIN QUERY PLAN " + sql), {"now": START.isoformat(" ")})
            lines = [r[-1] for r in rows]
    uses_index = any("ix_items_next_urge_at" in line for line in lines)
    return "index ix_items_next_urge_at" if uses_index else "NO INDEX: " + " / ".join(lines)


async def _written(world) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    async with world.engine.connect() as conn:
        counts = []
        for table in (UrgeRecordRow, OutboxRow, ItemEventRow):
            counts.append(int(await conn.scalar(select(func.count()).select_from(table)) or 0))
        return counts[0], counts[1], counts[2]


async def run(db: str, quick: bool, table: Table) -> None:
    sizes = (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000)
    async with bench_database(db) as url, bench_world(url, extra_users=bench_users(OWNERS)) as world:
        sweep = world.runtime.services.urging.sweep
        await sweep()  # warm up (imports, catalogs, calendar)
        next_id, background = 1, 0
        for n in sizes:
            load, seeded = Stopwatch(), n - background
            await insert_items_sql(
                world.engine, SqlBatch(next_id, seeded, OWNERS, next_urge_at=START + timedelta(days=60))
            )
            next_id, background = next_id + seeded, n
            await analyze(world.engine)
            if world.dialect == "postgresql":
                # Write the seeded pages out now, so the checkpoint a bulk load of 900,000 rows
                # provokes does not land inside the timed sweep (production never bulk-loads first).
                async with world.engine.connect() as conn:
                    await conn.execute(text("CHECKPOINT"))
            loaded = load.elapsed
            for due in DUE_COUNTS:
                await insert_items_sql(
                    world.engine,
                    SqlBatch(
                        next_id,
                        due,
                        OWNERS,
                        state="issued",
                        due=TODAY,
                        created_at=START - timedelta(days=10),
                        next_urge_at=START - timedelta(minutes=1),
                    ),
                )
                next_id += due
                before = await _written(world)
                watch, cpu = Stopwatch(), time.process_time()
                urged = await sweep()
                elapsed, cpu = watch.elapsed, time.process_time() - cpu
                after = await _written(world)
                written = "/".join(str(a - b) for a, b in zip(after, before, strict=True))
                verdict = ""
                if due == 1000:
                    verdict = f" [target < {TARGET_S:.0f} s: {'met' if elapsed < TARGET_S else 'NOT met'}]"
                table.add(
                    Result(
                        NAME,
                        db,
                        params(N=f"{n:,}", D=f"{due:,}"),
                        f"{ms(elapsed)} to clear all D (one sweep; {ms(cpu)} CPU in this process), "
                        f"{ms(elapsed / due)}/due item{verdict}; "
                        f"urged {urged}/{due}, urgings/outbox/events written {written}",
                    )
                )
            idle = []
            for _ in range(10):
                watch = Stopwatch()
                await sweep()
                idle.append(watch.elapsed)
            table.add(
                Result(
                    NAME,
                    db,
                    params(N=f"{n:,}", D=0),
                    f"nothing due: {ms(median(idle))}/sweep (seeding {seeded:,} items took "
                    f"{loaded:.1f} s; peak RSS {peak_rss_mb():.0f} MB)",
                )
            )
        table.add(
            Result(NAME, db, params(N=f"{sizes[-1]:,}"), "claim query plan: " + await _query_plan(world))
        )
