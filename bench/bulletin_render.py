"""bulletin_render: the weekly bulletin from item snapshots, as the bulletin service builds it.

``bot.domain.statistics.compute`` (figures, lights, praise and criticism lists) followed by
``messages.bulletins.bulletin_message`` (Block Kit, clipped to Slack's limits), in Chinese and English.
No database: the snapshots are generated. Timing runs without tracemalloc; a separate traced run
gives the peak Python memory of one render.
"""

from __future__ import annotations

import json
import random
import tracemalloc
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.common import Result, Stopwatch, Table, median, ms, params
from bot.calendar_sources import standard_calendar
from bot.domain.calendar import WorkCalendar
from bot.domain.periods import period_containing
from bot.domain.read_models import BulletinView, DepartmentName
from bot.domain.statistics import NO_DEPARTMENT, ItemSnapshot, OfficeLimits, compute
from messages.bulletins import bulletin_message

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
