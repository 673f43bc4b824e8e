"""Consistent copies of a SQLite database while Duban serves it, and restoring one into an empty database.

SQLite's online backup API copies pages under a read transaction, so the copy is one consistent moment
even while writers commit (WAL). PostgreSQL has its own tools: ``pg_dump -Fc`` and ``pg_restore``
(docs/operations.md gives the commands), so this module refuses PostgreSQL URLs with that advice.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import normalise_url


class BackupError(Exception):
    """Why a backup or restore could not be made; the message is shown to the operator as is."""


def _sqlite_path(database_url: str) -> Path:
    url = normalise_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "duban backup/restore copy SQLite databases; for PostgreSQL use "
            f"`pg_dump -Fc -d {make_url(str(url)).set(drivername='postgresql', password=None)} -f FILE` and "
            "`pg_restore --no-owner -d <empty database> FILE` (see docs/operations.md)"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("DATABASE_URL names no SQLite file")
    return Path(url.database)


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return [name for (name,) in rows]


def backup(database_url: str, destination: Path) -> int:
    """Copy the live database to ``destination`` (which must not exist); returns the number of items."""
    source_path = _sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose a new file name")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
        if target.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError(f"the copy in {destination} failed SQLite's integrity check")
        return int(target.execute("SELECT count(*) FROM items").fetchone()[0])
    finally:
        target.close()
        source.close()


def restore(backup_file: Path, database_url: str) -> int:
    """Load ``backup_file`` into the database of ``database_url``, which must be empty (no tables)."""
    if not backup_file.exists():
        raise BackupError(f"no backup at {backup_file}")
    target_path = _sqlite_path(database_url)
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        if "items" not in _tables(source):
            raise BackupError(f"{backup_file} is not a Duban database")
        target = sqlite3.connect(target_path)
        try:
            if _tables(target):
                raise BackupError(f"{target_path} is not empty; restore only into a new, empty database")
            source.backup(target)
            return int(target.execute("SELECT count(*) FROM items").fetchone()[0])
        finally:
            target.close()
    finally:
        source.close()
