"""``python -m bench.profile_list [--items N] [--db sqlite|postgres]``: pyinstrument over a command.

The same world as the benchmarks (real runtime, bolt over loopback HTTP, emulator); the caller owns
a share of ``N`` items. Prints the call tree of 50 requests (the profile docs/performance.md quotes).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bench.common import START, ItemBatch, analyze, bench_database, bench_world, insert_items, set_counter

CALLER = "U0HEADA"
OWNERS = ("U0HEADA", "U0STAFFA", "U0HEADB", "U0STAFFB", "U0STAFFB2")


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_list")
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--text", default="list mine")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    async with bench_database(args.db) as url, bench_world(url, serve_http=True) as world:
        batch = ItemBatch(1, args.items, OWNERS, due=START.date(), due_spread_days=60, title="落实会议决定")
        await insert_items(world.engine, batch)
        await set_counter(world.engine, 2026, args.items)
        await analyze(world.engine)
        for _ in range(3):
            await world.slack.slash(CALLER, args.text)
        profiler = Profiler(async_mode="enabled", interval=0.0005)
        profiler.start()
        elapsed = []
        for _ in range(args.requests):
            reply = await world.slack.slash(CALLER, args.text)
            elapsed.append(reply.elapsed)
        profiler.stop()
        elapsed.sort()
        p50 = elapsed[len(elapsed) // 2] * 1000
        print(f"{args.requests} x '/duban {args.text}', {args.items} items: p50 {p50:.1f} ms")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
