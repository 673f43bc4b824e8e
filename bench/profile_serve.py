"""``python -m bench.profile_serve [--db sqlite|postgres] [--items N] [--concurrency C] [--text T]``

Where a ``duban serve`` process spends its time under load: the http_load world (bulk-seeded items,
``duban serve`` as a subprocess, its Web API the emulator), signed ``/duban T`` requests at concurrency C,
and ``py-spy record`` attached to the server for the length of the load. Prints the throughput and
latency, then the functions holding the most samples (own time and time below them), filtered to the
frames that say something (ours, SQLAlchemy, bolt, aiohttp, jinja2, slack_sdk, the drivers).
``--svg FILE`` also writes py-spy's flame graph.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.common import TOKEN, bench_database, percentile
from bench.http_load import OWNERS, ROOT, SECRET, Generator, _env, _free_port, process, seed
from bench.http_requests import Request, load
from bot.emulator.driver import SlackEmulator

INTERESTING = (
    "bot/",
    "handlers/",
    "storage/",
    "messages/",
    "sqlalchemy/",
    "slack_bolt/",
    "aiohttp/",
    "jinja2/",
    "slack_sdk/",
    "aiosqlite/",
    "asyncpg/",
    "logging/",
    "prometheus_client/",
    "asyncio/",
)


def _frame_key(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:123)"; drop the line number.
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in INTERESTING:
        at = path.find(marker)
        if at >= 0:
            return f"{name} ({path[at:]})"
    return f"{name} ({Path(path).name})"


def summarise(raw: str, top: int) -> str:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        if "_bootstrap" in stack:  # a driver's worker thread (aiosqlite), mostly blocked on its queue
            continue
        count = int(count_text)
        samples += count
        frames = [_frame_key(f) for f in stack.split(";") if f]
        if frames:
            own[frames[-1]] += count
        for key in set(frames):
            total[key] += count
    lines = [f"{samples} samples of the event-loop thread"]
    lines.append("\n-- own time (top) --")
    lines += [f"{n / samples:6.1%}  {key}" for key, n in own.most_common(top)]
    lines.append("\n-- inclusive time (top) --")
    lines += [f"{n / samples:6.1%}  {key}" for key, n in total.most_common(top * 2)]
    return "\n".join(lines)


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_serve")
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--text", default="list mine")
    parser.add_argument(
        "--report", action="store_true", help="report submissions (view_submission) instead of a command"
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--svg")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy")
    async with bench_database(args.db) as url:
        from storage.db import create_engine

        engine = create_engine(url)
        try:
            seeded = await seed(engine, args.items)
        finally:
            await engine.dispose()
        slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN)
        await slack.start()
        try:
            with tempfile.TemporaryDirectory(prefix="duban-prof-") as tmp:
                folder, port = Path(tmp), _free_port()
                extra = {
                    "SLACK_BOT_TOKEN": TOKEN,
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": slack.api_url,
                    "DATABASE_URL": url,
                    "PORT": str(port),
                    "DUBAN_LEADERS": "U0LEADER",
                    "DUBAN_SUPERVISORS": "U0SUPER",
                }
                argv_ = [sys.executable, "-m", "bot.cli", "serve"]
                env = _env({"PYTHONPATH": os.environ.get("DUBAN_BENCH_SRC", ROOT), **extra}, folder)
                async with process(argv_, env, port, folder / "serve.log") as target:
                    gen = Generator(target)
                    await gen.run(args.text, 10, 100)  # warm up
                    pid = _pid_on(port)
                    raw = folder / "profile.txt"
                    recorder = None
                    if spy and pid:
                        recorder = await asyncio.create_subprocess_exec(
                            *(spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "250"),
                            *("--output", str(raw), "--nonblocking"),
                            stdout=asyncio.subprocess.DEVNULL,
                            stderr=asyncio.subprocess.DEVNULL,
                        )
                        await asyncio.sleep(1.0)
                    before = _thread_cpu(pid) if pid else {}
                    if args.report:
                        opened = seeded.open_ids

                        def report(n: int) -> Request:
                            return gen.signer.report(OWNERS[n % len(OWNERS)], opened[n % len(opened)], n)

                        out = await load(target, report, args.concurrency, args.requests)
                        rps, lat, failed = out.rps, out.latencies, out.failures
                    else:
                        rps, lat, failed = await gen.run(args.text, args.concurrency, args.requests)
                    after = _thread_cpu(pid) if pid else {}
                    if recorder is not None:
                        recorder.send_signal(2)  # SIGINT: py-spy writes its output and exits
                        await asyncio.wait_for(recorder.wait(), 30)
                    what = "report submission" if args.report else f"'/duban {args.text}'"
                    print(
                        f"{what} c={args.concurrency} on {args.db}, {args.items} items: "
                        f"{rps:,.0f}/s p50 {percentile(lat, 50) * 1000:.1f} ms "
                        f"p99 {percentile(lat, 99) * 1000:.1f} ms failed {failed}"
                    )
                    if after:
                        print(_cpu_report(before, after, args.requests))
                    if raw.exists():
                        print(summarise(raw.read_text(), args.top))
                        if args.svg:
                            print("(raw stacks only; run py-spy with --format flamegraph for an svg)")
                    else:
                        print("py-spy not available or not permitted: no profile")
        finally:
            await slack.stop()


def _thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) per thread of ``pid``, keyed "name/tid"."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        out[f"{name}/{task.name}"] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def _cpu_report(before: dict[str, float], after: dict[str, float], requests: int) -> str:
    main = sum(v - before.get(k, 0.0) for k, v in after.items() if k.endswith(f"/{_main_tid(after)}"))
    total = sum(v - before.get(k, 0.0) for k, v in after.items())
    return (
        f"server CPU per request: {total / requests * 1000:.2f} ms "
        f"(event-loop thread {main / requests * 1000:.2f} ms, other threads "
        f"{(total - main) / requests * 1000:.2f} ms)"
    )


def _main_tid(threads: dict[str, float]) -> str:
    return str(min(int(k.rsplit("/", 1)[1]) for k in threads))


def _pid_on(port: int) -> int | None:
    """The pid listening on ``port`` (the serve process, not its launcher)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    marker = "pid="
    at = out.find(marker)
    if at < 0:
        return None
    return int(out[at + len(marker) :].split(",", 1)[0])


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
