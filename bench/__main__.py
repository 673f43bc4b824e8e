"""``python -m bench [--only NAME[,NAME]] [--db sqlite|postgres|both] [--quick]``: print numbers.

Each benchmark runs on each chosen database (a temporary SQLite file, a throw-away PostgreSQL
database); bulletin_render touches no database. The table at the end repeats every line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import platform
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bench import (
    assign_throughput,
    bulletin_render,
    dispatch_burst,
    e2e_command_latency,
    http_load,
    serve_memory,
    sweep_scaling,
)
from bench.common import DATABASES, Result, Stopwatch, Table

Runner = Callable[[str, bool, Table], Awaitable[None]]
BENCHMARKS: dict[str, tuple[Runner, bool]] = {  # name -> (run, uses a database)
    sweep_scaling.NAME: (sweep_scaling.run, True),
    assign_throughput.NAME: (assign_throughput.run, True),
    dispatch_burst.NAME: (dispatch_burst.run, True),
    bulletin_render.NAME: (bulletin_render.run, False),
    e2e_command_latency.NAME: (e2e_command_latency.run, True),
    http_load.NAME: (http_load.run, True),
    serve_memory.NAME: (serve_memory.run, True),
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these (repeat or comma-separate): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repetitions")
    args = parser.parse_args(argv)
    names = [n.strip() for chunk in args.only for n in chunk.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    args.names = names
    return args


async def main(argv: list[str]) -> int:
    args = parse(argv)
    databases = DATABASES if args.db == "both" else (args.db,)
    table = Table()
    total = Stopwatch()
    print(
        f"duban benchmarks {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, {'quick' if args.quick else 'full'} run",
        flush=True,
    )
    for name in args.names:
        run, uses_db = BENCHMARKS[name]
        for db in databases if uses_db else ("-",):
            print(f"{name} [{db}] …", flush=True)
            gc.collect()  # start each benchmark without the previous one's garbage
            watch = Stopwatch()
            try:
                await run(db, args.quick, table)
            except Exception as exc:  # report and go on with the next benchmark
                logging.getLogger("bench").exception("%s on %s failed", name, db)
                table.add(Result(name, db, "", f"FAILED: {type(exc).__name__}: {exc}"))
            print(f"  ({watch.elapsed:.1f} s)", flush=True)
    print()
    print(table.render())
    print(f"\ntotal {total.elapsed:.0f} s")
    return 1 if any(r.result.startswith("FAILED") for r in table.rows) else 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main(sys.argv[1:])))
