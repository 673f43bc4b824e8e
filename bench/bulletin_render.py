"""bulletin_render: bulletins from item snapshots, as the bulletin service builds them.

``bot.domain.statistics.compute`` (figures, lights, praise and criticism lists) followed by
``messages.bulletins.bulletin_message`` (Block Kit, clipped to Slack's limits), in Chinese and English.
No database: the snapshots are generated. Timing runs without tracemalloc; a separate traced run
gives the peak Python memory of one render.

Issue 13, target 5: the quarterly bulletin over 100,000 items (``--quick``: 20,000), all of them
created in the last year so every one is looked at: statistics + rendering < 1 s, and the chart
(the six-quarter trend plus drawing the PNG with matplotlib) < 1 s, each printed on its own line.
"""

from __future__ import annotations

import json
import random
import tracemalloc
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from time import process_time
from zoneinfo import ZoneInfo

from bench.common import Result, Stopwatch, Table, median, ms, params
from bot.calendar_sources import standard_calendar
from bot.domain.calendar import WorkCalendar
from bot.domain.periods import period_containing
from bot.domain.read_models import BulletinView, DepartmentName
from bot.domain.statistics import NO_DEPARTMENT, ItemSnapshot, OfficeLimits, compute, trend
from bot.services.bulletins import TREND_PERIODS
from messages.bulletins import bulletin_message
from messages.charts import bulletin_chart

NAME = "bulletin_render"
ZONE = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 27)  # a Friday: the week 23–29 November 2026 is still running
WEEK = period_containing("week", AS_OF)
DEPARTMENTS = 40
HEALTH = (None, None, "on_track", "at_risk", "blocked")


def _instant(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def snapshots(count: int, seed: int = 48) -> list[ItemSnapshot]:
    """A plausible mix: most items from the last two months, half finished, some late or escalated."""
    rng = random.Random(seed)
    items = []
    for n in range(1, count + 1):
        created = AS_OF - timedelta(days=rng.randrange(0, 60))
        original = created + timedelta(days=rng.randrange(3, 45))
        current = original + timedelta(days=rng.choice((0, 0, 0, 7)))
        finished = rng.random() < 0.5
        completed = created + timedelta(days=rng.randrange(1, 50)) if finished else None
        if completed is not None and completed > AS_OF:
            completed = None
        items.append(
            ItemSnapshot(
                number=f"DB-2026-{n:04d}",
                title=f"关于落实第{n}次专题会议决定事项的督办 follow-up of meeting decision {n}",
                department=f"dept{rng.randrange(DEPARTMENTS)}" if n % 9 else NO_DEPARTMENT,
                state="completed" if completed else rng.choice(("issued", "in_progress", "returned")),
                original_due=original,
                current_due=current,
                created_at=_instant(created),
                completed_at=_instant(completed, 16) if completed else None,
                confidential=n % 10 == 0,
                return_count=rng.choice((0, 0, 0, 1, 2)),
                urge_round=rng.randrange(6),
                escalated_at=_instant(created + timedelta(days=5)) if n % 15 == 0 else None,
                health=rng.choice(HEALTH),
                unanswered_notice=n % 12 == 0,
                item_id=n,
                lead_id=f"U{n % 97:08d}",
            )
        )
    return items


NAMES = {f"dept{k}": DepartmentName(f"第{k}工作科室", f"Working department {k}") for k in range(DEPARTMENTS)}


def render(items: list[ItemSnapshot], locale: str, calendar: WorkCalendar) -> dict:  # type: ignore[type-arg]
    stats = compute(items, WEEK, today=AS_OF, tz=ZONE, calendar=calendar)
    view = BulletinView(stats, NAMES, OfficeLimits(registered=12, issued_checked=12, issued_late=1))
    return bulletin_message(view, locale, can_see_confidential=False)


async def run(db: str, quick: bool, table: Table) -> None:
    await run_quarter(db, quick, table)
    sizes = {5: 200, 500: 20, 5000: 5} if not quick else {5: 50, 500: 5, 5000: 2}
    calendar = standard_calendar().with_guessing()
    for count, repeats in sizes.items():
        items = snapshots(count)
        for locale in ("zh", "en"):
            render(items, locale, calendar)  # warm up (catalogs, templates)
            samples = []
            for _ in range(repeats):
                watch = Stopwatch()
                body = render(items, locale, calendar)
                samples.append(watch.elapsed)
            payload = json.dumps(body, ensure_ascii=False).encode()
            tracemalloc.start()
            render(items, locale, calendar)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            table.add(
                Result(
                    NAME,
                    db,
                    params(items=f"{count:,}", locale=locale, repeats=repeats),
                    f"{ms(median(samples))}/render (median), {len(body['blocks'])} blocks, "
                    f"{len(payload):,} bytes JSON (UTF-8), peak traced memory {peak / 1024:,.0f} KiB",
                )
            )


QUARTER = period_containing("quarter", AS_OF)
TARGET_S = 1.0


def year_of_snapshots(count: int, seed: int = 13) -> list[ItemSnapshot]:
    """``count`` items created over the last year (so the last six quarters all have work in them)."""
    rng = random.Random(seed)
    items = snapshots(count, seed)
    moved = []
    for item in items:
        shift = timedelta(days=rng.randrange(0, 300))
        completed = item.completed_at - shift if item.completed_at else None
        moved.append(
            replace(
                item,
                created_at=item.created_at - shift,
                original_due=item.original_due - shift if item.original_due else None,
                current_due=item.current_due - shift if item.current_due else None,
                completed_at=completed,
                escalated_at=item.escalated_at - shift if item.escalated_at else None,
            )
        )
    return moved


def _verdict(seconds: float) -> str:
    return f"[target < {TARGET_S:.0f} s: {'met' if seconds < TARGET_S else 'NOT met'}]"


async def run_quarter(db: str, quick: bool, table: Table) -> None:
    count = 20_000 if quick else 100_000
    calendar = standard_calendar().with_guessing()
    items = year_of_snapshots(count)
    names = {key: (name.zh, name.en) for key, name in NAMES.items()}
    # Warm up: imports, catalogs, templates, the holiday tables and matplotlib's fonts.
    small = items[:500]
    stats = compute(small, QUARTER, today=AS_OF, tz=ZONE, calendar=calendar)
    bulletin_chart(stats.departments, names, [], locale="zh", period=QUARTER)
    figures, drawing, charts = [], [], []
    for _ in range(2 if quick else 3):
        watch, cpu = Stopwatch(), process_time()
        stats = compute(items, QUARTER, today=AS_OF, tz=ZONE, calendar=calendar)
        view = BulletinView(stats, NAMES, OfficeLimits(registered=12, issued_checked=12, issued_late=1))
        body = bulletin_message(view, "zh", can_see_confidential=False)
        figures.append((watch.elapsed, process_time() - cpu))
        watch, cpu = Stopwatch(), process_time()
        points = trend(items, QUARTER, count=TREND_PERIODS, today=AS_OF, tz=ZONE, calendar=calendar)
        trend_s = watch.elapsed
        png = bulletin_chart(stats.departments, names, points, locale="zh", period=QUARTER)
        charts.append((watch.elapsed, process_time() - cpu))
        drawing.append(watch.elapsed - trend_s)
    stats_s, stats_cpu = min(figures)
    chart_s, chart_cpu = min(charts)
    active = stats.total.active
    table.add(
        Result(
            NAME,
            db,
            params(bulletin="quarter", items=f"{count:,}", part="statistics + rendering"),
            f"{ms(stats_s)} (best of {len(figures)}; {ms(stats_cpu)} CPU) {_verdict(stats_s)}; "
            f"{active:,} items active in the quarter, {len(body['blocks'])} blocks",
        )
    )
    table.add(
        Result(
            NAME,
            db,
            params(bulletin="quarter", items=f"{count:,}", part="chart"),
            f"{ms(chart_s)} (best of {len(charts)}; {ms(chart_cpu)} CPU) {_verdict(chart_s)}: "
            f"{TREND_PERIODS}-quarter trend, then drawing {ms(min(drawing))}; PNG {len(png):,} bytes",
        )
    )
