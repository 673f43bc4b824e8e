"""The Alembic migrations build exactly the schema of ``storage.models`` on both databases."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.migrate import alembic_config, main_upgrade, upgrade
from storage.models import Base

REPO = Path(__file__).resolve().parents[2]


def _diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_migrated_schema_equals_models(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_upgrade_is_idempotent_and_at_head(db_url: str, engine: AsyncEngine) -> None:
    await upgrade(db_url)  # inside a running loop, on an already migrated database
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar() == head


# Imports first, then "ready"; migrate only on "go", so the processes really race.
_RACER = """
import sys
from storage.migrate import main_upgrade
print("ready", flush=True)
sys.stdin.readline()
main_upgrade(sys.argv[1])
"""


async def test_concurrent_upgrades_of_a_new_database(empty_db_url: str) -> None:
    """Replicas starting at once (two processes, and two tasks here) take turns and all succeed."""
    pipe = asyncio.subprocess.PIPE
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", _RACER, empty_db_url, cwd=REPO, stdin=pipe, stdout=pipe, stderr=pipe
        )
        for _ in range(2)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert await proc.stdout.readline() == b"ready\n"
    outcomes = asyncio.gather(*(p.communicate(b"go\n") for p in procs))
    await asyncio.gather(upgrade(empty_db_url), upgrade(empty_db_url))
    errors = [err.decode()[-2000:] for _, err in await outcomes]
    assert [p.returncode for p in procs] == [0, 0], errors
    engine = create_engine(empty_db_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_main_upgrade_works_from_inside_a_running_loop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    main_upgrade(url)  # sync wrapper called from async code: runs in a worker thread
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    await upgrade(url)
    engine = create_engine(url, foreign_keys=False)
    try:
        async with engine.connect() as conn:

            def down(sync_conn: Connection) -> list[str]:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = sync_conn
                command.downgrade(cfg, "base")
                return inspect(sync_conn).get_table_names()

            assert await conn.run_sync(down) == ["alembic_version"]
            await conn.commit()
    finally:
        await engine.dispose()
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()
