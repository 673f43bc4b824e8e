"""Engine and session set-up, identical behaviour on SQLite (default) and PostgreSQL.

SQLite gets foreign keys, WAL and a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE``: the write lock is taken up front, so concurrent writers wait their turn
(busy timeout) instead of failing with "database is locked" when two read-then-write
transactions try to upgrade their locks at the same time.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import DateTime, TypeDecorator

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite+aiosqlite:///duban.db"
SQLITE_BUSY_TIMEOUT_S = 30
POOL_SIZE = 30  # PostgreSQL connections per process (SQLite: one at a time does the work, see uow)
PING_IDLE_S = 10.0  # a PostgreSQL connection unused for longer is pinged before it is handed out
READ_ONLY = "duban_read_only"  # execution option of a connection that only reads (see storage.uow)
SMALL_READ = "duban_small_read"  # … and only a few indexed rows: SQLite runs it on the loop's thread


def normalise_url(url: str | URL) -> URL:
    """Map the URLs people paste (``postgres://``, ``sqlite:///x.db``) to our async drivers."""
    raw = str(url) if isinstance(url, URL) else url
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    parsed = make_url(raw)
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "postgresql":
        if driver != "asyncpg":
            parsed = parsed.set(drivername="postgresql+asyncpg")
        # libpq's sslmode is not an asyncpg argument; asyncpg spells it ``ssl`` (same values).
        if "sslmode" in parsed.query:
            query = dict(parsed.query)
            query.setdefault("ssl", query.pop("sslmode"))
            parsed = parsed.set(query=query)
    elif backend == "sqlite" and driver != "aiosqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed


def create_engine(url: str | URL, *, echo: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """An async engine for ``url``.

    ``foreign_keys=False`` is for migrations only: SQLite batch migrations rebuild tables by
    copy-and-drop, and with enforcement on, dropping a parent table would cascade deletes.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed, echo=echo, async_creator=_sqlite_connector(parsed))
        _configure_sqlite(engine.sync_engine, foreign_keys=foreign_keys)
        _watch_people(engine.sync_engine)
        return engine
    engine = create_async_engine(
        parsed,
        echo=echo,
        # Thirty connections kept, none opened and closed per burst: with 10 kept and 20 overflow, every
        # burst of 50 requests opened ~20 connections (asyncpg connect and type set-up, a new server
        # process each) and closed them again at its end (bench.loop_lag: 20-28 new per 3 s phase).
        pool_size=POOL_SIZE,
        max_overflow=0,
        pool_timeout=30,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "duban"}},
    )
    _ping_when_idle(engine.sync_engine)
    _watch_people(engine.sync_engine)
    return engine


def _ping_when_idle(sync_engine: Engine) -> None:
    """Survive server restarts and idle-connection reaping by proxies: a connection that sat in the pool
    for more than PING_IDLE_S is pinged before use, and replaced if the ping fails.

    Instead of ``pool_pre_ping``, which pings at every checkout, and asyncpg's ping is three round trips
    (BEGIN, ``;``, ROLLBACK): about half the round trips of a read-only request. A connection back in the
    pool within the last seconds was working then; if the server restarted since, its first use fails, the
    dialect sees the disconnect and the pool replaces every connection older than that.
    """

    @event.listens_for(sync_engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["duban_idle_since"] = time.monotonic()

    @event.listens_for(sync_engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("duban_idle_since", None)
        if since is not None and time.monotonic() - since > PING_IDLE_S:
            try:
                dbapi_connection.ping()
            except Exception as exc:  # any failure: give the pool a fresh connection instead
                raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc


# -- who is who changed? -----------------------------------------------------------------------------
# Services keep what they read about the acting person for a moment (bot.services.people); any write to
# these tables in this process, through the ORM or Core, makes them read it again: the counter moves when
# such a statement runs and again when its transaction commits (a reader between the two sees the old row
# and keeps it under the old number, which the commit then retires).
_PEOPLE_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?:users|user_roles|department_members|departments)\b',
    re.IGNORECASE,
)
_people_changes = 0


def people_changes() -> int:
    """A number that changes whenever this process writes a profile, role or department."""
    return _people_changes


def _watch_people(sync_engine: Engine) -> None:
    def changed(conn: Connection) -> None:
        global _people_changes
        _people_changes += 1
        conn.info["duban_people_written"] = True

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _on_statement(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if _PEOPLE_WRITE.match(statement):
            changed(conn)

    @event.listens_for(sync_engine, "commit")
    def _on_commit(conn: Connection) -> None:
        if conn.info.pop("duban_people_written", False):
            changed(conn)
            conn.info.pop("duban_people_written", None)

    @event.listens_for(sync_engine, "rollback")
    def _on_rollback(conn: Connection) -> None:
        conn.info.pop("duban_people_written", None)


SQLITE_MMAP_BYTES = 256 * 1024 * 1024  # address space, not memory: pages are the OS page cache's


def _sqlite_connector(url: URL) -> Any:
    """Connections through ``storage.sqlite_driver`` (one thread hop per statement), with the arguments
    SQLAlchemy's own aiosqlite dialect would pass for ``url``."""
    from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

    from storage.sqlite_driver import connector

    dialect = SQLiteDialect_aiosqlite(dbapi=SQLiteDialect_aiosqlite.import_dbapi())
    args, kwargs = dialect.create_connect_args(url)
    return connector(args, {**kwargs, "timeout": SQLITE_BUSY_TIMEOUT_S})


def _configure_sqlite(sync_engine: Engine, *, foreign_keys: bool) -> None:
    # The SQLAlchemy-documented recipe: take BEGIN away from the driver and emit it ourselves.
    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver must not emit BEGIN itself
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            if not is_memory(sync_engine.url):
                cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
                cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough with WAL, much faster
                # Reads map the file instead of copying each page through a read() call into the
                # connection's own cache: the list page query at 100,000 items 1.3 -> 0.85 ms.
                cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A read-only unit of work begins deferred: under WAL it reads a snapshot and never waits for
        # the writer (nor makes the writer wait). A small one runs without thread hops (sqlite_driver).
        # A write's statements run there too once BEGIN IMMEDIATE holds the write lock.
        options = conn.get_execution_options()
        driver = conn.connection.driver_connection
        inline = hasattr(driver, "inline")
        if options.get(READ_ONLY):
            if options.get(SMALL_READ) and inline:
                driver.inline = True
            conn.exec_driver_sql("BEGIN")
            return
        if inline:
            driver.begin_here, driver.busy_ms = True, SQLITE_BUSY_TIMEOUT_S * 1000
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        if inline:
            driver.inline = driver.hop_end = True


def is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Rows stay readable after commit: services hand them to renderers outside the transaction.
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> bool:
    """True if the database answers ``SELECT 1`` (health checks, start-up)."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network failure means "not reachable"
        log.warning("database ping failed: %s", exc)
        return False
    return True


def dialect_name(obj: AsyncSession | Session | AsyncConnection | Connection | AsyncEngine | Engine) -> str:
    if isinstance(obj, AsyncSession | Session):
        return obj.get_bind().dialect.name
    return obj.dialect.name


def is_postgres(obj: AsyncSession | Session | AsyncConnection | Connection | AsyncEngine | Engine) -> bool:
    return dialect_name(obj) == "postgresql"


def as_utc(value: datetime) -> datetime:
    """UTC-aware copy of ``value``; naive values are taken to be UTC already (SQLite reads)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_db_utc(value: datetime) -> datetime:
    """``value`` for binding: aware input required, converted to UTC.

    SQLite's DateTime drops the offset when it formats a value, so a +08:00 instant would be
    stored as the wrong moment and compare wrongly; converting to UTC first keeps both dialects equal.
    """
    if value.tzinfo is None:
        raise ValueError("naive datetime: Duban stores aware UTC instants only")
    return value.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that always binds and returns aware UTC on every dialect.

    Not yet used by ``storage.models``; swapping ``Timestamp`` to it makes SQLite reads aware like
    PostgreSQL's (the DDL is unchanged, so no migration is needed).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else to_db_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)
