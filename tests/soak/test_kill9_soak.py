"""The kill -9 soak in its short CI mode: `duban serve` as a subprocess under a mixed load, SIGKILLed and
restarted several times; nothing acknowledged is lost, nothing is posted twice, no outbox row is stuck and
numbers stay gap-free. The long mode is run by hand: `python -m bench.soak --seconds 600 --db postgres`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.soak import SECRET, TOKEN, report, run_soak

DB_PASSWORD = "db-pass-never-logged"  # trust auth accepts it; it must still never reach a log line


def _with_password(db_url: str) -> str:
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        return db_url
    return url.set(password=DB_PASSWORD).render_as_string(hide_password=False)


def assert_no_secret_in_logs(folder: Path) -> None:
    logs = [path.read_text(errors="replace") for path in folder.rglob("*.log")]
    assert logs, "the server wrote no log"
    for text in logs:
        for secret in (TOKEN, SECRET, DB_PASSWORD):
            assert secret not in text


async def test_kill9_soak_loses_and_doubles_nothing(db_url: str, tmp_path: Path) -> None:
    tally = await run_soak(
        _with_password(db_url), seconds=20, kills_every=(1.5, 3.0), seed=7, workdir=tmp_path
    )
    print(report(tally, db_url.split(":")[0], 20))
    assert tally.kills >= 1, "the soak must actually kill the server"
    assert tally.assigned and tally.urged, "the load must have been answered between kills"
    assert tally.failures == []
    assert_no_secret_in_logs(tmp_path)


async def test_two_replicas_under_kills_share_the_work_without_doubling(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several replicas need PostgreSQL; SQLite is one process by design")
    tally = await run_soak(db_url, seconds=20, kills_every=(1.5, 3.0), seed=11, workdir=tmp_path, replicas=2)
    print(report(tally, "postgresql", 20))
    assert tally.kills >= 1 and tally.assigned
    assert tally.failures == []
    assert_no_secret_in_logs(tmp_path)
