"""serve_memory: start time and resident memory of ``duban serve`` (issue 13, target 6).

With 100,000 items in the database (http_load's seed), ``duban serve`` is started as an operator starts it
(environment only, migrations checked, roles applied, the scheduler running) and timed until /healthz
answers 200 (target < 2 s). Then a mixed soak — ``list mine``, ``show``, Acknowledge clicks, report
submissions and ``/duban assign`` by rotating users at concurrency 10 — runs for 10 minutes (``--quick``:
1 minute) while the server's resident memory (VmRSS) is sampled. Targets: < 200 MB, and flat (the last
samples no higher than the ones after warm-up, within 10%).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.common import ASSIGNER, TOKEN, Result, Table, bench_database
from bench.http_load import OWNERS, ROOT, SECRET, _env, _free_port, seed
from bench.http_requests import Hooks, Request, Signer, load
from bot.emulator.driver import SlackEmulator

NAME = "serve_memory"
ITEMS = 100_000
RSS_TARGET_MB = 200
START_TARGET_S = 2.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) ``pid`` has used: what the start costs whatever else runs beside it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _healthy(url: str, proc: asyncio.subprocess.Process, limit_s: float) -> float:
    """Seconds from now until GET /healthz answers 200."""
    started = time.perf_counter()
    async with aiohttp.ClientSession() as http:
        while time.perf_counter() - started < limit_s:
            if proc.returncode is not None:
                raise RuntimeError(f"duban serve exited with {proc.returncode}")
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=1)) as resp:
                    if resp.status == 200:
                        return time.perf_counter() - started
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.01)
    raise RuntimeError("duban serve was not healthy in time")


async def run(db: str, quick: bool, table: Table) -> None:
    soak_s = 60 if quick else 600
    async with bench_database(db) as url:
        from storage.db import create_engine

        engine = create_engine(url)
        try:
            seeded = await seed(engine, ITEMS, issued=20_000)
        finally:
            await engine.dispose()
        slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
        hooks = Hooks()
        await slack.start()
        await hooks.start()
        try:
            with tempfile.TemporaryDirectory(prefix="duban-mem-") as tmp:
                folder, port = Path(tmp), _free_port()
                env = _env(
                    {
                        "PYTHONPATH": ROOT,
                        "SLACK_BOT_TOKEN": TOKEN,
                        "SLACK_SIGNING_SECRET": SECRET,
                        "SLACK_API_URL": slack.api_url,
                        "DATABASE_URL": url,
                        "PORT": str(port),
                        "DUBAN_LEADERS": "U0LEADER",
                        "DUBAN_SUPERVISORS": ASSIGNER,
                    },
                    folder,
                )
                with (folder / "serve.log").open("ab") as out:
                    proc = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot.cli", "serve", env=env, cwd=folder, stdout=out, stderr=out
                    )
                try:
                    base = f"http://127.0.0.1:{port}"
                    start_s = await _healthy(f"{base}/healthz", proc, 60)
                    table.add(
                        Result(
                            NAME,
                            db,
                            f"duban serve start to healthy, items={ITEMS}",
                            f"{start_s:.2f} s (target < {START_TARGET_S:.0f} s: "
                            f"{'met' if start_s < START_TARGET_S else 'NOT met'}), "
                            f"RSS {rss_mb(proc.pid):.0f} MB, CPU {cpu_s(proc.pid):.2f} s "
                            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)",
                        )
                    )
                    await _soak(
                        db, proc.pid, f"{base}/slack/events", seeded, Signer(SECRET, hooks.url), soak_s, table
                    )
                finally:
                    if proc.returncode is None:
                        proc.terminate()
                        await asyncio.wait_for(proc.wait(), 20)
        finally:
            await hooks.stop()
            await slack.stop()


async def _soak(
    db: str, pid: int, url: str, seeded: object, signer: Signer, seconds: int, table: Table
) -> None:
    opened: list[int] = seeded.open_ids  # type: ignore[attr-defined]
    issued: list[int] = seeded.issued_ids  # type: ignore[attr-defined]
    counter = {"ack": 0, "report": 0}

    def mixed(n: int) -> Request:
        user = OWNERS[n % len(OWNERS)]
        kind = n % 10
        if kind < 4:
            return signer.slash(user, "list mine", n)
        if kind < 6:
            return signer.slash(user, f"show {1 + n % 1000}", n)
        if kind < 8 and counter["ack"] < len(issued):
            k = counter["ack"] = counter["ack"] + 1
            return signer.ack_click(OWNERS[(k - 1) % len(OWNERS)], issued[k - 1], n)
        if kind < 9 and counter["report"] < len(opened):
            k = counter["report"] = counter["report"] + 1
            return signer.report(OWNERS[(k - 1) % len(OWNERS)], opened[k - 1], n)
        return signer.slash(ASSIGNER, f"assign <@{user}> 内存浸泡事项 {n} due +15d", n)

    samples: list[tuple[float, float]] = []
    began = time.perf_counter()
    done = asyncio.Event()

    async def sampler() -> None:
        while not done.is_set():
            samples.append((time.perf_counter() - began, rss_mb(pid)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), max(1.0, seconds / 20))

    watcher = asyncio.create_task(sampler())
    requests = failures = 0
    n = 0
    while time.perf_counter() - began < seconds:
        out = await load(url, lambda k, at=n: mixed(at + k), 10, 200)
        n += 200
        requests += 200
        failures += out.failures
    done.set()
    await watcher
    samples.append((time.perf_counter() - began, rss_mb(pid)))
    series = ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in samples)
    warm = samples[min(2, len(samples) - 1)][1]
    last, peak = samples[-1][1], max(mb for _, mb in samples)
    flat = last <= warm * 1.10
    table.add(Result(NAME, db, f"RSS over a {seconds} s mixed soak (MB)", series))
    table.add(
        Result(
            NAME,
            db,
            f"RSS peak / after warm-up / end, {requests} requests",
            f"{peak:.0f} / {warm:.0f} / {last:.0f} MB (target < {RSS_TARGET_MB} MB: "
            f"{'met' if peak < RSS_TARGET_MB else 'NOT met'}; flat: {'yes' if flat else 'NO'})"
            + (f", {failures} failed requests" if failures else ""),
        )
    )


if __name__ == "__main__":  # python -m bench.serve_memory [--quick] [sqlite|postgres]
    import logging

    logging.basicConfig(level=logging.WARNING)
    table = Table()
    asyncio.run(
        run(
            next((a for a in sys.argv[1:] if a in ("sqlite", "postgres")), "sqlite"),
            "--quick" in sys.argv,
            table,
        )
    )
    os._exit(0)
