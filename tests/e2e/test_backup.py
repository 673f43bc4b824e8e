"""`duban backup` while the bot is serving, then `duban restore` into an empty database: every item whose
assignment was acknowledged before the backup began is there, and the numbers in the copy are gap-free."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import World


async def _duban(*args: str, database_url: str, cwd: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DUBAN_", "DATABASE_"))}
    env["DATABASE_URL"] = database_url
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_backup_under_load_restores_every_acknowledged_item(
    world: World, db_url: str, tmp_path: Path
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL is backed up with pg_dump (docs/operations.md), not duban backup")
    for n in range(8):
        reply = await world.command("U0LEADER", f"assign <@U0HEADA> Before backup {n} due +10d")
        assert reply.status == 200
    acknowledged = await world.item_count()

    async def more(n: int) -> None:
        await world.slack.slash("U0LEADER", f"assign <@U0HEADB> During backup {n} due +10d")

    copy = tmp_path / "backup.db"
    load = asyncio.gather(*(more(n) for n in range(12)))
    code, output = await _duban("backup", str(copy), database_url=db_url, cwd=tmp_path)
    await load
    assert code == 0, output

    restored = tmp_path / "restored.db"
    code, output = await _duban(
        "restore", str(copy), database_url=f"sqlite+aiosqlite:///{restored}", cwd=tmp_path
    )
    assert code == 0, output
    with sqlite3.connect(restored) as connection:
        numbers = sorted(int(n.rsplit("-", 1)[1]) for (n,) in connection.execute("SELECT number FROM items"))
        titles = {t for (t,) in connection.execute("SELECT title FROM items")}
    assert len(numbers) >= acknowledged
    assert {f"Before backup {n}" for n in range(8)} <= titles
    assert numbers == list(range(1, len(numbers) + 1))  # one consistent moment: no gaps, no torn rows

    # Restoring over a database that already has data is refused, and changes nothing.
    before = await world.item_count()
    code, output = await _duban("restore", str(copy), database_url=db_url, cwd=tmp_path)
    assert code == 1 and "not empty" in output
    assert await world.item_count() == before


async def test_backup_of_postgres_gives_the_pg_dump_command(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://duban@db.example.org:5432/duban"
    code, output = await _duban("backup", str(tmp_path / "x"), database_url=url, cwd=tmp_path)
    assert code == 1 and "pg_dump" in output
