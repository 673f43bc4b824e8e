"""Apply the Alembic migrations programmatically (start-up, ``duban migrate``, tests).

The Alembic ``Config`` is built in code and points at the ``migrations`` directory next to this
file, so it works from the repository and from site-packages alike (no ``alembic.ini`` needed).
"""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, normalise_url

if TYPE_CHECKING:  # Alembic is imported when a migration runs, not at start-up (0.1 s of import)
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant will do; it only has to be the same for every Duban process ("duban" in ASCII).
_PG_MIGRATION_LOCK = 0x647562616E
# Alembic's ``context``/``op`` proxies are process-global: two migrations interleaving in one
# process (two tasks, or two threads) would clobber each other, so they take turns here.
_IN_PROCESS_LOCK = threading.Lock()
# ``revision = "0014"`` / ``down_revision: str | None = "0013"`` in a migration script's header.
_REVISION_LINE = re.compile(r'^(revision|down_revision)\b[^=\n]*=\s*["\']([^"\']+)["\']', re.MULTILINE)


def alembic_config(url: str | URL | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    # ConfigParser interpolation: a literal % in a path or password must be doubled.
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url is not None:
        rendered = normalise_url(url).render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


async def upgrade(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision``; safe to call from a running event loop.

    Alembic is synchronous, so it runs inside ``AsyncConnection.run_sync`` on a connection we
    opened; env.py picks that connection up instead of starting an event loop of its own.
    """
    # Polling keeps the event loop free and stays cancellation-safe (unlike acquiring in a thread);
    # an asyncio primitive would not do: callers may run on different loops in different threads.
    while True:
        if _IN_PROCESS_LOCK.acquire(blocking=False):
            break
        await asyncio.sleep(0.02)
    try:
        # Foreign keys off on SQLite: batch migrations rebuild tables and must not cascade deletes.
        engine = create_engine(url, foreign_keys=False)
        try:
            if revision == "head" and await _at_head(engine):
                return  # the usual start: nothing to do, and Alembic's machinery not loaded at all
            async with engine.connect() as conn:
                await conn.run_sync(_upgrade_on, alembic_config(url), revision)
                await conn.commit()
        finally:
            await engine.dispose()
    finally:
        _IN_PROCESS_LOCK.release()


def head_revisions() -> set[str]:
    """The revisions ``head`` means, read from the migration scripts' headers (no module imported)."""
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions[found["revision"]] = found.get("down_revision")
    parents = {down for down in revisions.values() if down}
    return set(revisions) - parents


async def _at_head(engine: AsyncEngine) -> bool:
    """Whether the database already stands at every head (a missing version table means it does not)."""
    try:
        async with engine.connect() as conn:
            stamped = set((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    except DBAPIError:
        return False
    return bool(stamped) and stamped == head_revisions()


def _upgrade_on(connection: Connection, cfg: Config, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Replicas starting together take turns; the lock lasts until our commit. Alembic then sees
        # an open transaction and runs inside it. (SQLite: BEGIN IMMEDIATE already serialises.)
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    cfg.attributes["connection"] = connection
    from alembic import command

    command.upgrade(cfg, revision)
    if connection.dialect.name == "sqlite":
        # Enforcement was off during the migration: prove the rebuilt tables are still consistent.
        problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if problems:
            raise RuntimeError(f"foreign key violations after migration: {problems[:5]}")


def main_upgrade(url: str | URL, revision: str = "head") -> None:
    """Synchronous wrapper (CLI). Inside a running loop it migrates from a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(upgrade(url, revision))
        return
    errors: list[BaseException] = []

    def _worker() -> None:
        try:
            asyncio.run(upgrade(url, revision))
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    thread = threading.Thread(target=_worker, name="duban-migrate")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
