"""Shared set-up for the benchmarks: throw-away databases, the bot wired to the emulator, bulk rows,
statistics and the results table.

Databases: SQLite is a temporary file; PostgreSQL is a fresh ``duban_bench_<hex>`` database created
next to the admin database (``DUBAN_BENCH_PG_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``)
and dropped at the end. Both are migrated with ``storage.migrate.upgrade``.
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import Runtime, build_runtime
from bot.demo import demo_departments, demo_roles
from bot.domain.clock import ManualClock
from bot.domain.items import Role
from bot.emulator.driver import SlackEmulator
from bot.emulator.limits import RateLimits
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL, DEMO_USERS, SeedUser
from bot.settings import Settings
from storage.migrate import upgrade
from storage.models import ItemOwnerRow, ItemRow, NumberCounterRow, UserRow

PG_ADMIN_URL = os.environ.get("DUBAN_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
# Thursday 26 November 2026, 10:00 in Shanghai: a working day, inside working hours.
START = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
ASSIGNER = "U0SUPER"  # a supervisor of the demo workspace
DATABASES = ("sqlite", "postgres")


# -- results -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    benchmark: str
    database: str
    parameters: str
    result: str


@dataclass(slots=True)
class Table:
    rows: list[Result] = field(default_factory=list)

    def add(self, result: Result, *, echo: bool = True) -> None:
        self.rows.append(result)
        if echo:
            print(
                f"  {result.benchmark} [{result.database}] {result.parameters}: {result.result}", flush=True
            )

    def render(self) -> str:
        headers = ("benchmark", "database", "parameters", "result")
        cells = [headers, *((r.benchmark, r.database, r.parameters, r.result) for r in self.rows)]
        widths = [max(len(row[i]) for row in cells) for i in range(3)]
        lines = []
        for n, row in enumerate(cells):
            lines.append(
                " | ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + " | " + row[3]
            )
            if n == 0:
                lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * len(headers[3]))
        return "\n".join(lines)


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def ms(seconds: float) -> str:
    value = seconds * 1000.0
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def latency_summary(samples: Sequence[float]) -> str:
    return f"p50 {ms(percentile(samples, 50))}, p95 {ms(percentile(samples, 95))}, max {ms(max(samples))}"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB); it only ever grows."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


# -- databases ---------------------------------------------------------------------------------------


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(PG_ADMIN_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def bench_database(kind: str) -> AsyncIterator[str]:
    """A migrated, empty database of ``kind`` (sqlite | postgres); removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="duban-bench-") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            await upgrade(url)
            yield url
        return
    if kind != "postgres":
        raise ValueError(kind)
    name = f"duban_bench_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+asyncpg", database=name)
    rendered = url.render_as_string(hide_password=False)
    try:
        await upgrade(rendered)
        yield rendered
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the bot against the emulator --------------------------------------------------------------------


def bench_users(count: int) -> tuple[SeedUser, ...]:
    """Extra owners for the emulator (and the users table): half Chinese, half English readers."""
    return tuple(
        SeedUser(
            f"UBENCH{i:04d}",
            f"Bench {i}",
            f"Bench User {i}",
            "zh-CN" if i % 2 else "en-US",
            "Asia/Shanghai",
            handle=f"bench{i}",
        )
        for i in range(1, count + 1)
    )


def bench_settings(db_url: str, api_url: str) -> Settings:
    roles = demo_roles()
    return Settings(
        bot_token=TOKEN,
        signing_secret=SECRET,
        api_url=api_url,
        database_url=db_url,
        leaders=roles[Role.LEADER],
        supervisors=roles[Role.SUPERVISOR],
        admins=roles[Role.ADMIN],
        bulletin_channel=DEMO_BULLETIN_CHANNEL,
    )


@dataclass
class World:
    slack: SlackEmulator
    runtime: Runtime
    clock: ManualClock

    @property
    def engine(self) -> AsyncEngine:
        return self.runtime.engine

    @property
    def dialect(self) -> str:
        return self.runtime.engine.dialect.name


@asynccontextmanager
async def bench_world(
    db_url: str,
    *,
    extra_users: Sequence[SeedUser] = (),
    serve_http: bool = False,
    rate_limits: RateLimits | None = None,
) -> AsyncIterator[World]:
    """The real runtime (services, bolt app, dispatcher) on ``db_url``, its Slack API the emulator.

    The demo organisation is seeded through the people service (users.info against the emulator);
    ``extra_users`` go into the emulator and straight into the users table, fresh, so no service
    needs to look them up in Slack.
    """
    slack = SlackEmulator(
        signing_secret=SECRET, bot_token=TOKEN, users=(*DEMO_USERS, *extra_users), rate_limits=rate_limits
    )
    await slack.start()
    clock = ManualClock(START)
    runtime = await build_runtime(bench_settings(db_url, slack.api_url), clock=clock, migrate=False)
    try:
        if serve_http:
            port = await runtime.serve_http("127.0.0.1", 0)
            slack.app_url = f"http://127.0.0.1:{port}/slack/events"
        await runtime.services.people.seed(demo_roles(), demo_departments())
        if extra_users:
            await insert_users(runtime.engine, [u.user_id for u in extra_users], refreshed_at=clock.now())
        yield World(slack, runtime, clock)
    finally:
        await runtime.close()
        await slack.stop()


# -- bulk rows through SQLAlchemy core ---------------------------------------------------------------

CHUNK = 5000


async def insert_users(engine: AsyncEngine, user_ids: Sequence[str], *, refreshed_at: datetime) -> None:
    rows = [
        {
            "user_id": user_id,
            "name": user_id,
            "real_name": user_id,
            "locale": "zh-CN" if n % 2 else "en-US",
            "preferred_locale": None,
            "tz": "Asia/Shanghai",
            "deleted": False,
            "is_bot": False,
            "refreshed_at": refreshed_at,
        }
        for n, user_id in enumerate(user_ids)
    ]
    async with engine.begin() as conn:
        await conn.execute(insert(UserRow.__table__), rows)


@dataclass(frozen=True, slots=True)
class ItemBatch:
    """``count`` items numbered DB-<year>-<seq> from ``first_seq``; leads cycle through ``owners``."""

    first_seq: int
    count: int
    owners: Sequence[str]
    state: str = "in_progress"
    created_at: datetime = START - timedelta(days=10)
    due: date = date(2026, 12, 28)
    next_urge_at: datetime | None = None
    title: str = "基准测试事项 benchmark item"
    year: int = 2026
    assigner: str = ASSIGNER
    due_spread_days: int = 0  # spread deadlines over this many days after ``due``


async def next_item_id(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.coalesce(func.max(ItemRow.id), 0))) or 0) + 1


async def insert_items(engine: AsyncEngine, batch: ItemBatch) -> list[int]:
    """Insert items plus their lead-owner rows with explicit ids; returns the ids.

    On PostgreSQL the id sequence is moved past them so ORM inserts afterwards do not collide.
    """
    first_id = await next_item_id(engine)
    ids = list(range(first_id, first_id + batch.count))
    for start in range(0, batch.count, CHUNK):
        items, owners = [], []
        for offset in range(start, min(start + CHUNK, batch.count)):
            seq = batch.first_seq + offset
            due = batch.due + timedelta(days=offset % batch.due_spread_days if batch.due_spread_days else 0)
            item_id = ids[offset]
            items.append(
                {
                    "id": item_id,
                    "number": f"DB-{batch.year}-{seq:04d}",
                    "year": batch.year,
                    "seq": seq,
                    "title": f"{batch.title} {seq}",
                    "requirements": "按期报送落实情况。",
                    "source": "meeting_decision",
                    "state": batch.state,
                    "assigner_id": batch.assigner,
                    "lead_department_id": None,
                    "original_due": due,
                    "current_due": due,
                    "confidential": False,
                    "fyi": False,
                    "urgent": False,
                    "parent_id": None,
                    "created_at": batch.created_at,
                    "updated_at": batch.created_at,
                    "completed_at": None,
                    "request_key": None,
                    "next_urge_at": batch.next_urge_at,
                    "urge_plan": {},
                    "version": 0,
                    "kind": "regular",
                    "urge_round": 0,
                    "return_count": 0,
                }
            )
            owners.append(
                {
                    "item_id": item_id,
                    "user_id": batch.owners[offset % len(batch.owners)],
                    "role": "lead",
                    "position": 0,
                    "acknowledged_at": None,
                }
            )
        async with engine.begin() as conn:
            await conn.execute(insert(ItemRow.__table__), items)
            await conn.execute(insert(ItemOwnerRow.__table__), owners)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(
                text("SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT max(id) FROM items))")
            )
    return ids


async def set_counter(engine: AsyncEngine, year: int, last_seq: int) -> None:
    """Make the number counter agree with bulk-inserted items (so assignments continue after them)."""
    async with engine.begin() as conn:
        await conn.execute(NumberCounterRow.__table__.delete().where(NumberCounterRow.year == year))
        await conn.execute(insert(NumberCounterRow.__table__), [{"year": year, "last_seq": last_seq}])


async def analyze(engine: AsyncEngine) -> None:
    """Refresh planner statistics after a bulk load (autovacuum would do it in production)."""
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))


def rounded(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def params(**values: Any) -> str:
    return " ".join(f"{k}={v}" for k, v in values.items())
