"""``python -m bench.loop_lag serve``: ``duban serve`` with an event-loop lag probe and a stall sampler.

Set ``DUBAN_LAG_OUT=<file.json>``. Inside the server's event loop a task records how late
``asyncio.sleep(0.01)`` wakes (the lag every coroutine suffers at that moment); beside it a thread watches a
heartbeat the loop sets every 2 ms and, while the loop has not beaten for more than ``STALL_MS``, samples
the loop thread's stack every 5 ms: what held the loop. Everything is written to the file every second
and at exit. ``bench.http_load`` uses it when ``DUBAN_BENCH_LAG=1`` and prints a summary per load phase.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

STALL_MS = 30.0
BEAT_S = 0.002
PROBE_S = 0.01
OURS = ("bot/", "handlers/", "storage/", "messages/", "sqlalchemy/", "apscheduler/", "slack_bolt/")
OURS += ("aiohttp/",)


class Probe:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.lags: list[tuple[float, float]] = []  # (wall time, lag in ms)
        self.stalls: list[tuple[float, float, str]] = []  # (wall time of start, ms, top frames)
        self.stacks: list[tuple[float, str]] = []  # (wall time, stack): 5 ms samples during stalls
        self.gcs: list[tuple[float, int, float]] = []  # (wall time, generation, ms) of each collection
        self._gc_started = 0.0
        self.connects: list[float] = []  # wall time of each new database connection
        self.pool: Any = None
        self.checked_out: list[tuple[float, int]] = []  # (wall time, connections checked out)
        self.beat = time.perf_counter()
        self.loop_thread = threading.get_ident()
        self._stop = threading.Event()

    def _heartbeat(self, loop: asyncio.AbstractEventLoop) -> None:
        self.beat = time.perf_counter()
        if not self._stop.is_set():
            loop.call_later(BEAT_S, self._heartbeat, loop)

    async def lag_task(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(PROBE_S)
            self.lags.append((time.time(), (time.perf_counter() - started - PROBE_S) * 1000))
            if self.pool is not None:
                self.checked_out.append((time.time(), self.pool.checkedout()))

    def _stack(self) -> str:
        frame = sys._current_frames().get(self.loop_thread)
        if frame is None:
            return "?"
        frames = traceback.extract_stack(frame)
        keep = [f for f in frames if any(m in f.filename for m in OURS)] or frames[-3:]
        innermost = frames[-1]
        parts = [f"{_short(f.filename)}:{f.name}" for f in keep[-6:]]
        leaf = f"{_short(innermost.filename)}:{innermost.name}"
        if parts and parts[-1] != leaf:
            parts.append(leaf)
        return " > ".join(parts)

    def watch(self) -> None:
        last_dump = time.monotonic()
        while not self._stop.is_set():
            time.sleep(0.005)
            gap = (time.perf_counter() - self.beat) * 1000
            if gap > STALL_MS:
                began_perf, began_wall = self.beat, time.time() - gap / 1000
                first = self._stack()
                self.stacks.append((time.time(), first))
                while self.beat == began_perf and not self._stop.is_set():
                    time.sleep(0.005)
                    if self.beat == began_perf:
                        self.stacks.append((time.time(), self._stack()))
                self.stalls.append((began_wall, (self.beat - began_perf) * 1000, first))
            if time.monotonic() - last_dump > 1:
                self.dump()
                last_dump = time.monotonic()

    def dump(self) -> None:
        data = {
            "lags": self.lags[:],
            "stalls": self.stalls[:],
            "stacks": self.stacks[:],
            "gcs": self.gcs[:],
            "connects": self.connects[:],
            "checked_out": self.checked_out[:],
        }
        tmp = self.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(self.out)

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            ms = (time.perf_counter() - self._gc_started) * 1000
            self.gcs.append((time.time(), info["generation"], ms))

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        import gc

        gc.callbacks.append(self._gc)
        self.loop_thread = threading.get_ident()
        self._heartbeat(loop)
        threading.Thread(target=self.watch, daemon=True, name="lag-watch").start()

    def stop(self) -> None:
        self._stop.set()
        self.dump()


def _short(path: str) -> str:
    for marker in (*OURS, "asyncio/", "site-packages/"):
        at = path.find(marker)
        if at >= 0:
            return path[at:]
    return Path(path).name


def summarise(file: Path, phases: list[tuple[str, float, float]]) -> list[str]:
    """One line per phase: sleep(0.01) lag p50/p99/max, stalls over STALL_MS (count, total), and at the
    end the stacks seen most often during stalls."""
    from bench.common import percentile

    data: dict[str, Any] = json.loads(file.read_text())
    lines = []
    stacks: Counter[str] = Counter()
    for name, start, end in phases:
        lags = [lag for t, lag in data["lags"] if start <= t <= end]
        stalls = [ms for t, ms, _ in data["stalls"] if start <= t <= end]
        gcs = [(gen, ms) for t, gen, ms in data["gcs"] if start <= t <= end]
        stacks.update(s for t, s in data["stacks"] if start <= t <= end)
        connects = sum(1 for t in data["connects"] if start <= t <= end)
        busy = [n for t, n in data["checked_out"] if start <= t <= end]
        if not lags:
            continue
        longest_gc = max((ms for _, ms in gcs), default=0)
        lines.append(
            f"{name}: loop lag p50 {percentile(lags, 50):.1f} p99 {percentile(lags, 99):.1f} "
            f"max {max(lags):.1f} ms; stalls > {STALL_MS:.0f} ms: {len(stalls)} "
            f"(total {sum(stalls):,.0f} ms in {end - start:.1f} s, longest {max(stalls, default=0):.0f} ms); "
            f"gc: {len(gcs)} runs {sum(ms for _, ms in gcs):.0f} ms, gen2 {sum(1 for g, _ in gcs if g == 2)} "
            f"runs {sum(ms for g, ms in gcs if g == 2):.0f} ms, longest {longest_gc:.0f} ms; "
            f"pool: {connects} new connections, checked out p50 {percentile(busy, 50) if busy else 0:.0f} "
            f"max {max(busy, default=0)}"
        )
    total = sum(stacks.values()) or 1
    lines.append(f"stall samples during the phases ({total} x 5 ms), top stacks:")
    for stack, n in stacks.most_common(12):
        lines.append(f"  {n / total:5.1%} {stack}")
    return lines


def main() -> int:
    out = Path(os.environ.get("DUBAN_LAG_OUT", "loop-lag.json"))
    probe = Probe(out)
    import storage.db

    make_engine = storage.db.create_engine

    def create_engine(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy import event

        engine = make_engine(*args, **kwargs)
        probe.pool = engine.sync_engine.pool  # the last one made: the runtime's
        event.listen(engine.sync_engine, "connect", lambda *_: probe.connects.append(time.time()))
        return engine

    storage.db.create_engine = create_engine  # type: ignore[assignment]
    import bot.cli as cli

    original = cli._serve

    async def serve(settings: Any) -> None:
        probe.start(asyncio.get_running_loop())
        task = asyncio.create_task(probe.lag_task())
        try:
            await original(settings)
        finally:
            probe.stop()
            task.cancel()

    cli._serve = serve  # type: ignore[assignment]
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
