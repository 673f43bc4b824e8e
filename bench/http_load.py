"""http_load: one load generator, three apps, the same run (issue 13, targets 1 and 2).

Signed requests over HTTP against (1) a bare bolt app that only acks, (2) the "one-query app"
(bench/http_apps.py: one indexed Core query + 30 items rendered) and (3) Duban itself (``duban serve`` as
a subprocess, its Web API the emulator), with many items seeded in bulk (mixed states, five years):
``/duban list mine`` at concurrency 1 and 50 on all three; on Duban also ``show``, an Acknowledge click
(block_actions, each on its own issued item by its owner) and a report submission (view_submission) at
c=50, then ``/duban assign`` at c=20 and a check that the year's numbers are still gap-free (requests
built in bench/http_requests.py). Targets: Duban's ``list mine`` throughput >= 60% of the one-query app's;
p99 < 300 ms (SQLite) / 400 ms (PostgreSQL) at c=50 (c=20 for assign); p50 < 15 ms at c=1.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bench.common import (
    ASSIGNER,
    TOKEN,
    ItemBatch,
    Result,
    Table,
    analyze,
    bench_database,
    insert_items,
    insert_users,
    percentile,
    set_counter,
)
from bench.http_requests import Hooks, Outcome, Signer, load
from bot.emulator.driver import SlackEmulator

NAME = "http_load"
SECRET = "bench-http-secret"
OWNERS = tuple(f"UBENCH{i:04d}" for i in range(1, 201))
CALLER = OWNERS[0]
ROOT = str(Path(__file__).resolve().parent.parent)
# Another checkout's source to run as "duban" (the before figures of docs/performance.md); its migrations
# may stop before ours, so the database is stamped back to BEFORE_REVISION for it (indexes stay).
BEFORE_SRC = os.environ.get("DUBAN_BENCH_SRC")
BEFORE_REVISION = os.environ.get("DUBAN_BENCH_SRC_REVISION", "0006")
P99_TARGET_MS = {"sqlite": 300, "postgresql": 400, "postgres": 400}
# DUBAN_BENCH_LAG=1: run duban under bench.loop_lag and print its event-loop lag and stalls per phase.
LAG = os.environ.get("DUBAN_BENCH_LAG") == "1"
# Processes per app (DUBAN_WORKERS for Duban, BENCH_APP_WORKERS for the two reference apps): as deployed,
# one per core; DUBAN_BENCH_WORKERS=1 measures the single-process figures (and is needed with LAG).
WORKERS = int(os.environ.get("DUBAN_BENCH_WORKERS") or min(os.cpu_count() or 1, 4))


LAG_FILE = Path(tempfile.gettempdir()) / f"duban-loop-lag-{os.getpid()}.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Seeded:
    open_ids: list[int]  # this year's in-progress items (reports), lead owner OWNERS[k % len(OWNERS)]
    issued_ids: list[int]  # issued, not yet acknowledged (Acknowledge clicks), same owners
    year: int = 2026


async def seed(url_engine: object, items: int, issued: int = 0) -> Seeded:
    """``items`` over five years: past years mostly finished, this year mostly open; plus ``issued``
    items of this year waiting for their owners' acknowledgement."""
    engine = url_engine
    # Profiles fresh as of now (the servers run on the real clock): no profile refresh during the run.
    await insert_users(engine, [ASSIGNER, *OWNERS], refreshed_at=datetime.now(UTC))  # type: ignore[arg-type]
    per_year = items // 5
    seeded = Seeded([], [])
    for n, year in enumerate((2026, 2025, 2024, 2023, 2022)):
        open_share = 0.7 if year == 2026 else 0.05
        open_count = int(per_year * open_share)
        batches = [
            ItemBatch(
                1, open_count, OWNERS, "in_progress", due=date(year, 1, 5), due_spread_days=330, year=year
            ),
            ItemBatch(
                open_count + 1,
                per_year - open_count,
                OWNERS,
                "completed",
                due=date(year, 1, 5),
                due_spread_days=330,
                year=year,
            ),
        ]
        if n == 0 and issued:
            batches.append(
                ItemBatch(per_year + 1, issued, OWNERS, "issued", due=date(year, 12, 30), year=year)
            )
        for k, batch in enumerate(batches):
            if batch.count:
                ids = await insert_items(engine, batch)  # type: ignore[arg-type]
                if n == 0 and k == 0:
                    seeded.open_ids = ids
                elif n == 0 and k == 2:
                    seeded.issued_ids = ids
        if n == 0:
            await set_counter(engine, year, per_year + issued)  # type: ignore[arg-type]
    await analyze(engine)  # type: ignore[arg-type]
    return seeded


class Generator:
    """``/duban TEXT`` as CALLER (kept for bench.profile_serve)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.signer = Signer(SECRET)

    async def run(self, text: str, concurrency: int, requests: int) -> tuple[float, list[float], int]:
        """(requests per second, latencies in seconds, failures)."""
        out = await load(self.url, lambda n: self.signer.slash(CALLER, text, n), concurrency, requests)
        return out.rps, out.latencies, out.failures


@asynccontextmanager
async def process(argv: Sequence[str], env: dict[str, str], port: int, log: Path) -> AsyncIterator[str]:
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            *argv, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT, cwd=log.parent
        )
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{argv[2:4]} did not start:\n{_tail(log)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # past start-up work (migrations check, role sync)
        yield url
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()


def _env(extra: dict[str, str], folder: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(folder), "LANG": "C.UTF-8", **extra}


@dataclass(frozen=True)
class Plan:
    items: int
    c1: int  # requests at concurrency 1
    c50: int  # requests at concurrency 50 (per command, click and submission)
    assigns: int  # /duban assign requests at concurrency 20

    @classmethod
    def of(cls, quick: bool) -> Plan:
        return cls(10_000, 30, 300, 200) if quick else cls(100_000, 100, 1500, 600)


async def run(db: str, quick: bool, table: Table) -> None:
    plan = Plan.of(quick)
    async with bench_database(db) as url:
        from storage.db import create_engine

        engine = create_engine(url)
        try:
            seeded = await seed(engine, plan.items, issued=plan.c50 + 20)
        finally:
            await engine.dispose()
        if BEFORE_SRC:
            await _stamp_back(url)
        slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
        hooks = Hooks()
        await slack.start()
        await hooks.start()
        try:
            with tempfile.TemporaryDirectory(prefix="duban-http-") as tmp:
                await _three_apps(db, url, plan, seeded, slack, hooks, Path(tmp), table)
        finally:
            await hooks.stop()
            await slack.stop()


def _apps(
    url: str, slack: SlackEmulator, ports: dict[str, int]
) -> dict[str, tuple[list[str], dict[str, str]]]:
    py = sys.executable
    return {
        "bare bolt": (
            [py, "-m", "bench.http_apps", "bare", str(ports["bare"]), SECRET],
            {"BENCH_APP_WORKERS": str(WORKERS)},
        ),
        "one-query app": (
            [py, "-m", "bench.http_apps", "onequery", str(ports["onequery"]), SECRET, url],
            {"BENCH_APP_WORKERS": str(WORKERS)},
        ),
        "duban": (
            [py, "-m", "bench.loop_lag" if LAG else "bot.cli", "serve"],
            {
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": slack.api_url,
                "DATABASE_URL": url,
                "PORT": str(ports["duban"]),
                "DUBAN_LEADERS": "U0LEADER",
                "DUBAN_SUPERVISORS": ASSIGNER,
                "PYTHONPATH": BEFORE_SRC or ROOT,
                "DUBAN_WORKERS": str(WORKERS),
                **({"DUBAN_LAG_OUT": str(LAG_FILE)} if LAG else {}),
            },
        ),
    }


async def _three_apps(
    db: str,
    url: str,
    plan: Plan,
    seeded: Seeded,
    slack: SlackEmulator,
    hooks: Hooks,
    folder: Path,
    table: Table,
) -> None:
    ports = {name: _free_port() for name in ("bare", "onequery", "duban")}
    processes = f"{WORKERS}, on {os.cpu_count()} cores"
    table.add(Result(NAME, db, "processes per app (DUBAN_BENCH_WORKERS)", processes))
    signer = Signer(SECRET, hooks.url)
    figures: dict[tuple[str, str, int], float] = {}
    phases: list[tuple[str, float, float]] = []

    def note(app: str, what: str, c: int, out: Outcome) -> None:
        figures[(app, what, c)] = out.rps
        if app == "duban":
            end = time.time()
            phases.append((f"{what} c={c}", end - len(out.latencies) / out.rps, end))
        refs, before = "", " (before)" if BEFORE_SRC and app == "duban" else ""
        if app == "duban":
            bare = figures.get(("bare bolt", "'list mine'", 50))
            one = figures.get(("one-query app", "'list mine'", 50))
            refs = f" [same run: bare bolt {bare or 0:,.0f}/s, one-query app {one or 0:,.0f}/s at c=50]"
        table.add(
            Result(
                NAME,
                db,
                f"{app}{before} {what} c={c} items={plan.items}",
                f"{out.rps:,.0f}/s p50 {percentile(out.latencies, 50) * 1000:.1f} ms "
                f"p99 {percentile(out.latencies, 99) * 1000:.1f} ms"
                + (f" FAILED {out.failures} ({out.sample})" if out.failures else "")
                + _target(app, db, c, out.latencies, assign="assign" in what)
                + refs,
            )
        )

    for app, (argv, extra) in _apps(url, slack, ports).items():
        env = _env({"PYTHONPATH": ROOT, **extra}, folder)
        log = folder / f"{argv[3]}.log"
        async with process(argv, env, _port_of(argv, extra), log) as target:
            await load(target, lambda n: signer.slash(CALLER, "list mine", n), 10, 50)  # warm up
            commands = ("list mine", "show 1") if app == "duban" else ("list mine",)
            for text in commands:
                for c, requests in ((1, plan.c1), (50, plan.c50)):
                    out = await load(target, lambda n, t=text: signer.slash(CALLER, t, n), c, requests)
                    note(app, f"'{text}'", c, out)
            if app != "duban":
                continue
            await _writes(db, url, plan, seeded, signer, hooks, target, note, table)
    if LAG and LAG_FILE.exists():
        from bench.loop_lag import summarise

        for line in summarise(LAG_FILE, phases):
            table.add(Result(NAME, db, "duban event loop", line))
    ceiling = figures.get(("one-query app", "'list mine'", 50))
    mine = figures.get(("duban", "'list mine'", 50))
    if ceiling and mine:
        table.add(
            Result(
                NAME,
                db,
                "duban 'list mine' c=50 vs one-query app",
                f"{mine / ceiling:.0%} of {ceiling:,.0f}/s (target >= 60%)",
            )
        )


async def _writes(
    db: str,
    url: str,
    plan: Plan,
    seeded: Seeded,
    signer: Signer,
    hooks: Hooks,
    target: str,
    note: Callable[[str, str, int, Outcome], None],
    table: Table,
) -> None:
    """Acknowledge clicks and report submissions at c=50 (each on its own item, by its owner), then
    /duban assign at c=20 and the check that the year's numbers are still gap-free."""

    def owner(k: int) -> str:
        return OWNERS[k % len(OWNERS)]

    issued, opened = seeded.issued_ids, seeded.open_ids
    refused = hooks.refusals
    out = await load(target, lambda n: signer.ack_click(owner(n), issued[n], n), 50, plan.c50)
    if hooks.refusals > refused:
        out.failures += hooks.refusals - refused
        out.sample = out.sample or hooks.samples[-1]
    note("duban", "Acknowledge click", 50, out)
    out = await load(target, lambda n: signer.report(owner(n), opened[n], n), 50, min(plan.c50, len(opened)))
    note("duban", "report submission", 50, out)
    assign = "assign <@{owner}> 基准交办事项 {n} due +15d"
    out = await load(
        target, lambda n: signer.slash(ASSIGNER, assign.format(owner=owner(n), n=n), n), 20, plan.assigns
    )
    note("duban", "'/duban assign'", 20, out)
    table.add(Result(NAME, db, "duban numbers after the load", await _gap_check(url, seeded.year)))


async def _gap_check(url: str, year: int) -> str:
    from sqlalchemy import select

    from storage.db import create_engine
    from storage.models import ItemRow, NumberCounterRow

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            seqs = list(
                await conn.scalars(select(ItemRow.seq).where(ItemRow.year == year).order_by(ItemRow.seq))
            )
            last = await conn.scalar(select(NumberCounterRow.last_seq).where(NumberCounterRow.year == year))
    finally:
        await engine.dispose()
    gap_free = seqs == list(range(1, len(seqs) + 1)) and last == len(seqs)
    return f"{len(seqs):,} numbers in {year}, counter {last}: {'gap-free' if gap_free else 'GAPS or DOUBLES'}"


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


async def _stamp_back(url: str) -> None:
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": BEFORE_REVISION})
    finally:
        await engine.dispose()


def _port_of(argv: Sequence[str], extra: dict[str, str]) -> int:
    return int(extra["PORT"]) if "PORT" in extra else int(argv[4])


def _target(app: str, db: str, concurrency: int, latencies: list[float], *, assign: bool = False) -> str:
    if app != "duban":
        return ""
    if concurrency == 1:
        p50 = percentile(latencies, 50) * 1000
        return f" (target p50 < 15 ms: {'met' if p50 < 15 else 'NOT met'})"
    p99, target = percentile(latencies, 99) * 1000, 300 if assign else P99_TARGET_MS.get(db, 300)
    return f" (target p99 < {target} ms: {'met' if p99 < target else 'NOT met'})"
