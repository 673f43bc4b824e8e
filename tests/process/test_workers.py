"""`duban serve` with DUBAN_WORKERS=2, started from the environment alone, on both databases.

A supervisor and two worker processes share one port: concurrent commands land on both, numbers stay
gap-free, only one worker runs the scheduler (each notice and urging is sent once), a killed worker is
started again while the other keeps answering, and SIGTERM to the supervisor stops them all.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.emulator.driver import SlackEmulator

from .conftest import ADMIN, LEADER, WAIT, Service
from .test_journey import command, sent_messages
from .test_night_journey import urge_dms, urgings, zone_at
from .test_org import age_item

OWNERS = ["U0HEADA", "U0STAFFA", "U0HEADB", "U0STAFFB"] * 2  # one assignment each, in a burst


def children_of(pid: int) -> set[int]:
    """Live child processes of ``pid``, read from /proc (no ps needed)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        # Fields after the command name, which is in parentheses and may contain spaces.
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


async def wait_for_children(pid: int, count: int, *, other_than: set[int] = frozenset()) -> set[int]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        children = children_of(pid)
        if len(children) == count and not children & other_than:
            return children
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} workers under {pid}, found {children_of(pid)}")


async def commands_counted(service: Service) -> dict[str, float]:
    """``duban_requests_total`` of slash commands by command, as one scrape of /metrics shows them."""
    async with aiohttp.ClientSession() as http, http.get(f"{service.url}/metrics") as response:
        text = await response.text()
    counted: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "duban_requests_total" and sample.labels.get("kind") == "command":
                command = sample.labels["command"]
                counted[command] = counted.get(command, 0.0) + sample.value
    return counted


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
async def workers(emulator: SlackEmulator, empty_db_url: str, tmp_path: Path) -> Service:
    svc = Service("serve", emulator, empty_db_url, tmp_path)
    # Day in the office and for every owner, whatever the hour the suite runs at (see test_night_journey).
    day = zone_at(datetime.now(UTC), 11)
    svc.env.update(DUBAN_WORKERS="2", DUBAN_SWEEP_SECONDS="1", DUBAN_TIMEZONE=day.key)
    for owner in OWNERS:
        emulator.state.users[owner].tz = day.key
    try:
        yield svc
    finally:
        await svc.cleanup()
        print(svc.output())


async def test_two_workers_share_the_port_and_one_schedules(
    workers: Service, emulator: SlackEmulator
) -> None:
    slack = emulator
    await workers.start()
    assert workers.process is not None
    supervisor = workers.process.pid
    first = await wait_for_children(supervisor, 2)
    zone = ZoneInfo(workers.env["DUBAN_TIMEZONE"])
    today = datetime.now(zone).date()
    assert ":warning:" not in await command(slack, ADMIN, f"holiday {today.isoformat()} work")

    # A burst of assignments over both workers: every number once, none skipped, one notice each.
    due = (today + timedelta(days=10)).isoformat()
    burst = [f"assign <@{owner}> 并发交办事项 {i} due {due}" for i, owner in enumerate(OWNERS)]
    answers = await asyncio.gather(*(command(slack, LEADER, text) for text in burst))
    numbers = sorted(n for a in answers for n in re.findall(r"DB-\d{4}-(\d{4})", a)[:1])
    assert numbers == [f"{i:04d}" for i in range(1, len(OWNERS) + 1)], answers
    await slack.wait_for(lambda: all(slack.dm(owner) for owner in OWNERS), max_wait=WAIT)
    # Whichever worker answers a scrape, it counts the requests both answered.
    for _ in range(6):
        assert await commands_counted(workers) == {"holiday": 1.0, "assign": float(len(OWNERS))}

    # The scheduler runs in worker 0 alone: an overdue item is urged once, not once per worker.
    first_number = f"DB-{today.year}-0001"
    [owner] = [o for o, a in zip(OWNERS, answers, strict=True) if first_number in a]
    await age_item(workers.db_url, first_number)
    await slack.wait_for(lambda: urge_dms(slack, owner, first_number), max_wait=WAIT)
    assert await slack.settle(quiet=2.5, max_wait=WAIT)  # more than two sweeps of DUBAN_SWEEP_SECONDS=1
    assert len(urge_dms(slack, owner, first_number)) == 1
    assert len(await urgings(workers.db_url, owner)) == 1
    sent = sent_messages(slack)
    assert len(sent) == len(set(sent)), "a message was posted twice"
    log = workers.output()
    assert log.count("(scheduler) listening") == 1 and log.count("worker 1 listening") == 1, log

    # A worker killed outright is started again; the other answers meanwhile.
    victim = max(first)
    os.kill(victim, signal.SIGKILL)
    # A connection the dead worker held open is reset (Slack's own retry covers that) until the emulator's
    # pool notices; a new one is answered by the survivor (or the restarted worker).
    replies = []
    for _ in range(5):
        replies.append(await slack.slash(LEADER, f"show {first_number}"))
        if replies[-1].status == 200:
            break
        await asyncio.sleep(0.2)
    assert replies[-1].message is not None and first_number in replies[-1].message.all_text(), replies
    second = await wait_for_children(supervisor, 2, other_than={victim})
    assert len(second & first) == 1
    await asyncio.gather(*(command(slack, LEADER, f"show DB-{today.year}-000{i}") for i in range(1, 5)))

    # SIGTERM to the supervisor stops every worker, cleanly.
    assert await workers.stop(signal.SIGTERM) == 0, workers.output()
    assert not any(alive(pid) for pid in second)


async def test_a_refused_token_stops_the_supervisor_before_any_worker_starts(workers: Service) -> None:
    code, output = await workers.run_to_exit(SLACK_BOT_TOKEN="xoxb-revoked")
    lines = output.strip().splitlines()
    assert code == 3 and len(lines) == 1, output
    assert output.startswith("duban: Slack refused SLACK_BOT_TOKEN (invalid_auth)"), output
    assert "workers" not in output  # checked before forking: no worker ever started
