"""sweep_scaling: one urging sweep costs O(due items), not O(all items).

N open items wait far in the future (``next_urge_at`` two months ahead); D items are due now (a due-day
reminder each, one outbox row each). We time ``UrgingService.sweep()`` as N grows, with fresh due
items for every repetition, and a sweep with nothing due at all. Sweeps only queue outbox rows.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bench.common import (
    START,
    TODAY,
    ItemBatch,
    Result,
    Stopwatch,
    Table,
    analyze,
    bench_database,
    bench_users,
    bench_world,
    insert_items,
    median,
    ms,
    params,
    peak_rss_mb,
)
from bot.services.urging import URGED_STATES

NAME = "sweep_scaling"
DUE = 50
OWNERS = 50


async def _query_plan(world) -> str:  # type: ignore[no-untyped-def]
    """How the database finds due items (the claim query of storage/urging_repo.py)."""
    states = ", ".join(f"'{s}'" for s in URGED_STATES)
    sql = (
        f"SELECT id FROM items WHERE next_urge_at <= :now AND state IN ({states}) "
        "ORDER BY next_urge_at, id LIMIT 1"
    )
    async with world.engine.connect() as conn:
        if world.dialect == "postgresql":
            rows = await conn.execute(text("EXPLAIN " + sql), {"now": START})
            lines = [r[0] for r in rows]
        else:
            rows = await conn.execute(text("EXPLAIN QUERY PLAN " + sql), {"now": START.isoformat(" ")})
            lines = [r[-1] for r in rows]
    uses_index = any("ix_items_next_urge_at" in line for line in lines)
    return ("index ix_items_next_urge_at" if uses_index else "NO INDEX: ") + (
        "" if uses_index else " / ".join(lines)
    )


async def run(db: str, quick: bool, table: Table) -> None:
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 50_000)
    repeats = 2 if quick else 3
    owners = [u.user_id for u in bench_users(OWNERS)]
    async with bench_database(db) as url, bench_world(url, extra_users=bench_users(OWNERS)) as world:
        sweep = world.runtime.services.urging.sweep
        await sweep()  # warm up (imports, catalog, calendar)
        seq, background = 1, 0
        for n in sizes:
            load = Stopwatch()
            await insert_items(
                world.engine,
                ItemBatch(
                    first_seq=seq,
                    count=n - background,
                    owners=owners,
                    next_urge_at=START + timedelta(days=60),
                ),
            )
            seq += n - background
            background = n
            await analyze(world.engine)
            loaded = load.elapsed
            per_sweep, sent_counts = [], []
            for _ in range(repeats):
                await insert_items(
                    world.engine,
                    ItemBatch(
                        first_seq=seq,
                        count=DUE,
                        owners=owners,
                        state="issued",
                        due=TODAY,
                        next_urge_at=START - timedelta(minutes=1),
                    ),
                )
                seq += DUE
                watch = Stopwatch()
                sent_counts.append(await sweep())
                per_sweep.append(watch.elapsed)
            idle = []
            for _ in range(20):
                watch = Stopwatch()
                await sweep()
                idle.append(watch.elapsed)
            sweep_s = median(per_sweep)
            table.add(
                Result(
                    NAME,
                    db,
                    params(N=f"{n:,}", D=DUE, repeats=repeats),
                    f"{ms(sweep_s)}/sweep, {ms(sweep_s / DUE)}/due item, "
                    f"urged {min(sent_counts)}/{DUE}; nothing due: {ms(median(idle))}/sweep "
                    f"(bulk load {loaded:.1f} s, peak RSS {peak_rss_mb():.0f} MB)",
                )
            )
        table.add(
            Result(NAME, db, params(N=f"{sizes[-1]:,}"), "claim query plan: " + await _query_plan(world))
        )
