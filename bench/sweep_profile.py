"""Where a sweep's wall time goes (issue 13, target 3): statement counts and durations per statement.

``python -m bench.sweep_profile --url postgresql+asyncpg://…/db --seed 1000000`` seeds N open items once
into that (migrated) database; later runs without ``--seed`` reuse them. Each run makes ``--due`` items due,
times one ``UrgingService.sweep()`` and prints the statements it ran, grouped, by total time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import event, func, select, text

from bench.common import START, TODAY, analyze, bench_users, bench_world
from bench.seed_sql import SqlBatch, insert_items_sql
from storage.models import ItemRow

OWNERS = 500


async def main(url: str, seed: int, due: int, profile: bool) -> None:
    users = bench_users(OWNERS) if seed else ()  # a rerun on a seeded database: the users are there
    async with bench_world(url, extra_users=users) as world:
        engine = world.engine
        async with engine.connect() as conn:
            next_id = int(await conn.scalar(select(func.coalesce(func.max(ItemRow.id), 0))) or 0) + 1
        if seed:
            await insert_items_sql(
                engine, SqlBatch(next_id, seed, OWNERS, next_urge_at=START + timedelta(days=60))
            )
            next_id += seed
            await analyze(engine)
            async with engine.connect() as conn:
                await conn.execute(text("CHECKPOINT"))
        sweep = world.runtime.services.urging.sweep
        await sweep()
        await insert_items_sql(
            engine,
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
        stats: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        started: dict[int, float] = {}

        def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            started[id(cursor)] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            key = " ".join(statement.split())[:110] + (" [many]" if executemany else "")
            stats[key][0] += 1
            stats[key][1] += time.perf_counter() - started.pop(id(cursor), time.perf_counter())

        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", before)
        event.listen(sync, "after_cursor_execute", after)
        profiler = cProfile.Profile() if profile else None
        t0, c0 = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        urged = await sweep()
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        event.remove(sync, "before_cursor_execute", before)
        event.remove(sync, "after_cursor_execute", after)
        print(f"urged {urged}/{due}: wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms")
        total = sum(v[1] for v in stats.values())
        print(f"statements: {sum(v[0] for v in stats.values())}, {total * 1000:.0f} ms in execute")
        for key, (count, spent) in sorted(stats.items(), key=lambda kv: -kv[1][1])[:25]:
            print(f"{spent * 1000:8.1f} ms {count:5d}x  {key}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="also profile the CPU (cProfile)")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.seed, args.due, args.profile))
