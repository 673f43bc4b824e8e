"""The kill -9 soak in its short CI mode: `duban serve` as a subprocess under a mixed load, SIGKILLed and
restarted several times; nothing acknowledged is lost, nothing is posted twice, no outbox row is stuck and
numbers stay gap-free. The long mode is run by hand: `python -m bench.soak --seconds 600 --db postgres`."""

from __future__ import annotations

from pathlib import Path

from bench.soak import report, run_soak


async def test_kill9_soak_loses_and_doubles_nothing(db_url: str, tmp_path: Path) -> None:
    tally = await run_soak(db_url, seconds=20, kills_every=(3.0, 5.0), seed=7, workdir=tmp_path)
    print(report(tally, db_url.split(":")[0], 20))
    assert tally.kills >= 2, "the soak must actually kill the server"
    assert tally.assigned and tally.urged, "the load must have been answered between kills"
    assert tally.failures == []


async def test_two_replicas_under_kills_share_the_work_without_doubling(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        return  # several replicas need PostgreSQL; SQLite is one process by design
    tally = await run_soak(db_url, seconds=20, kills_every=(4.0, 6.0), seed=11, workdir=tmp_path, replicas=2)
    print(report(tally, "postgresql", 20))
    assert tally.kills >= 2 and tally.assigned
    assert tally.failures == []
