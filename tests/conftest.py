"""Shared fixtures: a migrated, empty database on SQLite and on PostgreSQL.

* ``db_url`` is parametrised ``sqlite`` / ``postgres``; a test that uses it (or ``engine`` /
  ``session_factory`` / ``engine_factory``) runs once per database.
* SQLite: a fresh file per test, copied from a template migrated once per session.
* PostgreSQL: one throw-away database per session (``duban_test_<hex>``, created from the admin
  URL, migrated once, dropped at the end); every table is truncated before each test.
  Admin URL: ``DUBAN_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``).
  ``DUBAN_SKIP_PG=1`` skips the postgres cases; otherwise an unreachable server is an error.
* ``empty_db_url`` (same parametrisation): a brand-new database with no tables at all, for
  migration tests; the PostgreSQL one is created for the test and dropped after it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

# The database layer (SQLAlchemy, asyncpg, Alembic and the models) is imported by the fixtures that use it,
# not here: the unit and service tiers never touch a database and should not pay for importing one.

# A developer's own .env (in the repository or wherever pytest runs) never reaches a test: settings and
# subprocesses started by tests inherit this. Tests of the .env behaviour turn it back on explicitly.
os.environ["DUBAN_DOTENV"] = "0"

PG_ADMIN_URL = os.environ.get("DUBAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SKIP_PG = os.environ.get("DUBAN_SKIP_PG") == "1"

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run set-up work to completion on its own loop in a worker thread.

    Session fixtures are first requested from inside a running test loop (``getfixturevalue``),
    where a second loop cannot run on the same thread; pytest-asyncio's loops stay untouched.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _asyncpg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    # asyncpg wants plain postgresql:// without a SQLAlchemy driver suffix.
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storage.migrate import upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    _run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(PG_ADMIN_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _create_pg_database() -> str:
    """A new, empty database next to the admin one; returns its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    name = f"duban_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


async def _drop_pg_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    await _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    from storage.migrate import upgrade

    url = _run(_create_pg_database())
    try:
        _run(upgrade(url))
        yield url
    finally:
        _run(_drop_pg_database(url))


def _truncate_sql() -> str:
    from storage.models import Base

    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    return f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE"


DB_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[pytest.mark.postgres, *([pytest.mark.skip(reason="DUBAN_SKIP_PG=1")] if SKIP_PG else [])],
    ),
]


@pytest.fixture(params=DB_PARAMS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a migrated, empty database (SQLAlchemy async form)."""
    if request.param == "sqlite":
        path = tmp_path / "duban.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    import asyncpg

    url: str = request.getfixturevalue("_pg_database")
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute(_truncate_sql())
    finally:
        await conn.close()
    return url


@pytest.fixture(params=DB_PARAMS)
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of a database without any tables (not migrated)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    url = await _create_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(url)


@pytest.fixture
async def engine_factory(db_url: str) -> AsyncIterator[Callable[[], AsyncEngine]]:
    """Make extra engines on ``db_url`` (separate pools, like separate processes); all disposed."""
    from storage.db import create_engine

    engines: list[AsyncEngine] = []

    def make() -> AsyncEngine:
        engines.append(create_engine(db_url))
        return engines[-1]

    yield make
    for engine in engines:
        await engine.dispose()


@pytest.fixture
async def engine(engine_factory: Callable[[], AsyncEngine]) -> AsyncEngine:
    return engine_factory()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    from storage.db import make_session_factory

    return make_session_factory(engine)
