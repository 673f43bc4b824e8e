"""http_load: one load generator, three apps, the same run (issue 13, target 1).

Signed ``/duban`` slash commands over HTTP against (1) a bare bolt app that only acks, (2) the
"one-query app" (bench/http_apps.py: one indexed Core query + 30 items rendered) and (3) Duban itself
(``duban serve`` as a subprocess, its Web API the emulator), at concurrency 1 and 50, with many items
seeded in bulk (mixed states, five years). Targets: Duban's ``list mine`` throughput >= 60% of the
one-query app's; p99 < 300 ms (SQLite) / 400 ms (PostgreSQL) at c=50; p50 < 15 ms at c=1.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed(url_engine: object, items: int) -> None:
    """``items`` over five years: past years mostly finished, this year mostly open."""
    engine = url_engine
    # Profiles fresh as of now (the servers run on the real clock): no profile refresh during the run.
    await insert_users(engine, [ASSIGNER, *OWNERS], refreshed_at=datetime.now(UTC))  # type: ignore[arg-type]
    per_year = items // 5
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
        for batch in batches:
            if batch.count:
                await insert_items(engine, batch)  # type: ignore[arg-type]
        if n == 0:
            await set_counter(engine, year, per_year)  # type: ignore[arg-type]
    await analyze(engine)  # type: ignore[arg-type]


class Generator:
    def __init__(self, url: str) -> None:
        self.url = url
        self.signer = SignatureVerifier(SECRET)

    def _slash(self, user: str, text: str, n: int) -> tuple[bytes, dict[str, str]]:
        body = urlencode(
            {
                "token": "bench",
                "team_id": "T0DUBAN",
                "team_domain": "duban",
                "channel_id": "D0BENCH",
                "channel_name": "directmessage",
                "user_id": user,
                "user_name": user,
                "command": "/duban",
                "text": text,
                "api_app_id": "A0DUBAN",
                "is_enterprise_install": "false",
                "response_url": "http://127.0.0.1:9/hooks",
                "trigger_id": f"bench.{n}.{time.monotonic_ns()}",
            }
        ).encode()
        ts = str(int(time.time()))
        return body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.signer.generate_signature(timestamp=ts, body=body),
        }

    async def run(self, text: str, concurrency: int, requests: int) -> tuple[float, list[float], int]:
        """(requests per second, latencies in seconds, failures)."""
        latencies: list[float] = []
        failures = 0
        counter = iter(range(requests))
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def worker() -> None:
                nonlocal failures
                for n in counter:
                    body, headers = self._slash(CALLER, text, n)
                    started = time.perf_counter()
                    async with http.post(self.url, data=body, headers=headers) as resp:
                        await resp.read()
                        ok = resp.status == 200
                    latencies.append(time.perf_counter() - started)
                    failures += not ok

            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            wall = time.perf_counter() - began
        return requests / wall, latencies, failures


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


async def run(db: str, quick: bool, table: Table) -> None:
    items = 10_000 if quick else 100_000
    plan = [(1, 30 if quick else 100), (50, 300 if quick else 1500)]
    commands = ("list mine", "show 1")
    async with bench_database(db) as url:
        from storage.db import create_engine

        engine = create_engine(url)
        try:
            await seed(engine, items)
        finally:
            await engine.dispose()
        if BEFORE_SRC:
            await _stamp_back(url)
        slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
        await slack.start()
        try:
            with tempfile.TemporaryDirectory(prefix="duban-http-") as tmp:
                folder = Path(tmp)
                py = sys.executable
                ports = {name: _free_port() for name in ("bare", "onequery", "duban")}
                apps = {
                    "bare bolt": ([py, "-m", "bench.http_apps", "bare", str(ports["bare"]), SECRET], {}),
                    "one-query app": (
                        [py, "-m", "bench.http_apps", "onequery", str(ports["onequery"]), SECRET, url],
                        {},
                    ),
                    "duban": (
                        [py, "-m", "bot.cli", "serve"],
                        {
                            "SLACK_BOT_TOKEN": TOKEN,
                            "SLACK_SIGNING_SECRET": SECRET,
                            "SLACK_API_URL": slack.api_url,
                            "DATABASE_URL": url,
                            "PORT": str(ports["duban"]),
                            "DUBAN_LEADERS": "U0LEADER",
                            "DUBAN_SUPERVISORS": "U0SUPER",
                            "PYTHONPATH": BEFORE_SRC or ROOT,
                        },
                    ),
                }
                figures: dict[tuple[str, str, int], float] = {}
                for app, (argv, extra) in apps.items():
                    env = _env({"PYTHONPATH": ROOT, **extra}, folder)
                    log = folder / f"{argv[3]}.log"
                    async with process(argv, env, _port_of(argv, extra), log) as target:
                        gen = Generator(target)
                        await gen.run("list mine", 10, 50)  # warm up
                        for text in commands:
                            for concurrency, requests in plan:
                                rps, lat, failed = await gen.run(text, concurrency, requests)
                                figures[(app, text, concurrency)] = rps
                                table.add(
                                    Result(
                                        NAME,
                                        db,
                                        f"{app}{' (before)' if BEFORE_SRC and app == 'duban' else ''} "
                                        f"'{text}' c={concurrency} items={items}",
                                        f"{rps:,.0f}/s p50 {percentile(lat, 50) * 1000:.1f} ms "
                                        f"p99 {percentile(lat, 99) * 1000:.1f} ms"
                                        + (f" FAILED {failed}" if failed else "")
                                        + _target(app, db, concurrency, lat),
                                    )
                                )
                ceiling = figures.get(("one-query app", "list mine", 50))
                mine = figures.get(("duban", "list mine", 50))
                if ceiling and mine:
                    table.add(
                        Result(
                            NAME,
                            db,
                            "duban 'list mine' c=50 vs one-query app",
                            f"{mine / ceiling:.0%} of {ceiling:,.0f}/s (target >= 60%)",
                        )
                    )
        finally:
            await slack.stop()


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


def _target(app: str, db: str, concurrency: int, latencies: list[float]) -> str:
    if app != "duban":
        return ""
    if concurrency == 1:
        p50 = percentile(latencies, 50) * 1000
        return f" (target p50 < 15 ms: {'met' if p50 < 15 else 'NOT met'})"
    p99, target = percentile(latencies, 99) * 1000, P99_TARGET_MS.get(db, 300)
    return f" (target p99 < {target} ms: {'met' if p99 < target else 'NOT met'})"
