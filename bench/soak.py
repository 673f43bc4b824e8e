"""kill -9 soak: a mixed load against `duban serve` (a real subprocess) that is SIGKILLed at random moments
and restarted, then proof that nothing was lost or doubled.

    python -m bench.soak [--seconds 600] [--db sqlite|postgres] [--kills-every 2-6] [--seed N]

The load: leaders assign items, owners press Acknowledge on their notices, leaders urge items by hand
(`/duban urge`). The killer SIGKILLs the server every few seconds and starts it again on the same database.
At the end (no more kills, the outbox given time to drain) it checks:

* every acknowledged action is in the database (an assignment answered with its number, an Acknowledge
  answered 200, an urge answered with its confirmation);
* every urging and every notice reached Slack exactly once (counted by the outbox key each posted
  message carries as metadata);
* no outbox row is stuck (pending or sending), none failed;
* item numbers are gap-free.

Prints the counts; exit code 1 when a check fails. tests/soak runs a short mode in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import bench_database
from bot.emulator.driver import SlackEmulator
from messages.notices import ACK
from storage.db import normalise_url
from storage.models import ItemOwnerRow, ItemRow, OutboxRow, UrgeRecordRow

SECRET = "soak-signing-secret"
TOKEN = "xoxb-soak-token"
LEADERS = ("U0LEADER", "U0DEPUTY")
OWNERS = ("U0HEADA", "U0HEADB", "U0STAFFA", "U0STAFFB")
NUMBER = re.compile(r"DB-\d{4}-\d{4}")


@dataclass
class Tally:
    replicas: int = 1
    kills: int = 0
    restarts: int = 0
    assigned: dict[str, str] = field(default_factory=dict)  # title -> number answered
    assign_unanswered: int = 0
    acknowledged: set[tuple[str, str]] = field(default_factory=set)  # (number, owner)
    urged: set[str] = field(default_factory=set)  # numbers whose urge was confirmed
    requests: int = 0
    failures: list[str] = field(default_factory=list)


def _number(text: str) -> str | None:
    found = NUMBER.search(text)
    return found.group(0) if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`duban serve` as an operator runs it: environment variables only, its own working directory."""

    def __init__(self, db_url: str, api_url: str, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(workdir)),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": db_url,
            "PORT": str(self.port),
            "DUBAN_LEADERS": ",".join(LEADERS),
            "DUBAN_SUPERVISORS": "U0SUPER",
            "DUBAN_ADMINS": "U0SUPER",
            "DUBAN_BULLETIN_CHANNEL": "C0BULLETIN",
            "DUBAN_SWEEP_SECONDS": "2",
        }
        self.process: asyncio.subprocess.Process | None = None
        self.log = (workdir / "serve.log").open("ab")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            cwd=self.workdir,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.process.returncode is not None:
                    raise RuntimeError(
                        f"duban serve exited with {self.process.returncode}; see {self.log.name}"
                    )
                try:
                    async with session.get(
                        self.url + "/healthz", timeout=aiohttp.ClientTimeout(total=1)
                    ) as r:
                        if r.status == 200:
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("duban serve did not become healthy within 30 s")

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def wait(self) -> None:
        if self.process is not None:
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.kill()
                await self.process.wait()
        self.log.close()


async def _load(
    slack: SlackEmulator, servers: list[Server], tally: Tally, rng: random.Random, until: float
) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        slack.app_url = rng.choice(servers).url + "/slack/events"  # a load balancer in front of the replicas
        roll = rng.random()
        tally.requests += 1
        if roll < 0.5 or not tally.assigned:
            title = f"soak item {n}"
            owner = rng.choice(OWNERS)
            reply = await slack.slash(rng.choice(LEADERS), f"assign <@{owner}> {title} due +15d")
            number = _number(reply.text)
            if reply.status == 200 and number:
                tally.assigned[title] = number
            else:
                tally.assign_unanswered += 1
                await asyncio.sleep(0.2 if reply.status == 0 else 0)  # the server is down: don't spin
        elif roll < 0.8:
            owner = rng.choice(OWNERS)
            notices = [m for m in slack.dm(owner) if ACK in [b.action_id for b in m.buttons()]]
            if notices:
                notice = rng.choice(notices)
                number = _number(notice.all_text())
                try:
                    reply = await slack.click(owner, notice, ACK)
                except LookupError:
                    continue
                if reply.status == 200 and number:
                    tally.acknowledged.add((number, owner))
        else:
            candidates = sorted(set(tally.assigned.values()) - tally.urged)
            if candidates:
                number = rng.choice(candidates)
                reply = await slack.slash(rng.choice(LEADERS), f"urge {number}")
                if reply.status == 200 and number in reply.text and ":warning:" not in reply.text:
                    tally.urged.add(number)
        await asyncio.sleep(rng.uniform(0.0, 0.05))


async def _killer(
    servers: list[Server], tally: Tally, rng: random.Random, until: float, spacing: tuple[float, float]
) -> None:
    while True:
        await asyncio.sleep(rng.uniform(*spacing))
        if time.monotonic() >= until:
            return
        server = rng.choice(servers)
        server.kill()
        await server.wait()
        tally.kills += 1
        await server.start()
        tally.restarts += 1


async def _settled(db_url: str, within: float) -> list[Any]:
    """Wait until no outbox row is pending or sending; return the rows."""
    engine = create_async_engine(normalise_url(db_url))
    try:
        deadline = time.monotonic() + within
        while True:
            async with engine.connect() as conn:
                rows = list(
                    (
                        await conn.execute(
                            select(
                                OutboxRow.idem_key, OutboxRow.status, OutboxRow.method, OutboxRow.last_error
                            )
                        )
                    ).all()
                )
            busy = [r for r in rows if r.status in ("pending", "sending")]
            if not busy or time.monotonic() > deadline:
                return rows
            await asyncio.sleep(0.5)
    finally:
        await engine.dispose()


async def _database_facts(db_url: str) -> tuple[dict[str, str], set[tuple[str, str]], Counter[str]]:
    engine = create_async_engine(normalise_url(db_url))
    try:
        async with engine.connect() as conn:
            items = {r.title: r.number for r in await conn.execute(select(ItemRow.title, ItemRow.number))}
            acked = {
                (r.number, r.user_id)
                for r in await conn.execute(
                    select(ItemRow.number, ItemOwnerRow.user_id)
                    .join(ItemOwnerRow, ItemOwnerRow.item_id == ItemRow.id)
                    .where(ItemOwnerRow.acknowledged_at.is_not(None))
                )
            }
            manual = Counter(
                r.number
                for r in await conn.execute(
                    select(ItemRow.number)
                    .join(UrgeRecordRow, UrgeRecordRow.item_id == ItemRow.id)
                    .where(UrgeRecordRow.rung == "manual")
                )
            )
        return items, acked, manual
    finally:
        await engine.dispose()


def _posted_keys(slack: SlackEmulator) -> Counter[str]:
    keys: Counter[str] = Counter()
    for messages in slack.state.messages.values():
        for message in messages:
            payload = (message.metadata or {}).get("event_payload") or {}
            if payload.get("duban_key"):
                keys[str(payload["duban_key"])] += 1
    return keys


async def run_soak(
    db_url: str,
    *,
    seconds: float,
    kills_every: tuple[float, float],
    seed: int,
    workdir: Path,
    replicas: int = 1,
) -> Tally:
    rng = random.Random(seed)
    tally = Tally(replicas=replicas)
    slack = SlackEmulator(signing_secret=SECRET, bot_token=TOKEN, request_timeout=5.0)
    await slack.start()
    servers = []
    for n in range(replicas):
        folder = workdir / f"replica-{n}"
        folder.mkdir(exist_ok=True)
        servers.append(Server(db_url, slack.api_url, folder))
    try:
        await asyncio.gather(*(server.start() for server in servers))
        until = time.monotonic() + seconds
        await asyncio.gather(
            _load(slack, servers, tally, rng, until), _killer(servers, tally, rng, until, kills_every)
        )
        rows = await _settled(db_url, within=60)
        await slack.settle(max_wait=5)
        items, acked, manual = await _database_facts(db_url)
        posted = _posted_keys(slack)
    finally:
        await asyncio.gather(*(server.stop() for server in servers))
        await slack.stop()

    check = tally.failures.append
    for title, number in tally.assigned.items():
        if items.get(title) != number:
            check(f"acknowledged assignment {number} ({title}) is not in the database")
    for number, owner in tally.acknowledged - acked:
        check(f"acknowledged click: {owner} on {number} is not recorded")
    for number in tally.urged:
        if manual[number] != 1:
            check(f"urge of {number} confirmed, {manual[number]} manual urgings recorded")
    stuck = [r.idem_key for r in rows if r.status in ("pending", "sending")]
    failed = [f"{r.idem_key}: {r.last_error}" for r in rows if r.status == "failed"]
    if stuck:
        check(f"{len(stuck)} outbox rows stuck: {stuck[:5]}")
    if failed:
        check(f"{len(failed)} outbox rows failed: {failed[:5]}")
    posted_rows = [r.idem_key for r in rows if r.method == "chat.postMessage" and r.status == "sent"]
    doubled = [k for k in posted_rows if posted[k] > 1]
    missing = [k for k in posted_rows if posted[k] == 0]
    if doubled:
        check(f"{len(doubled)} messages posted more than once: {doubled[:5]}")
    if missing:
        check(f"{len(missing)} messages marked sent but not in Slack: {missing[:5]}")
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in items.values())
    if numbers != list(range(1, len(numbers) + 1)):
        check(f"numbers are not gap-free: {numbers[:10]}…")
    tally.posted = sum(posted.values())  # type: ignore[attr-defined]
    tally.rows = len(rows)  # type: ignore[attr-defined]
    tally.items = len(items)  # type: ignore[attr-defined]
    return tally


def report(tally: Tally, db: str, seconds: float) -> str:
    lines = [
        f"kill -9 soak on {db}, {seconds:.0f} s, {tally.replicas} replica(s): {tally.kills} SIGKILLs, "
        f"{tally.restarts} restarts, {tally.requests} requests",
        f"  assignments answered {len(tally.assigned)} (unanswered while down: {tally.assign_unanswered}), "
        f"items in database {getattr(tally, 'items', 0)}",
        f"  acknowledgements answered {len(tally.acknowledged)}, manual urgings answered {len(tally.urged)}",
        f"  outbox rows {getattr(tally, 'rows', 0)}, "
        f"messages in Slack carrying a key {getattr(tally, 'posted', 0)}",
        f"  lost or doubled: {len(tally.failures)}" + "".join(f"\n    ✗ {f}" for f in tally.failures),
    ]
    return "\n".join(lines)


async def _main(args: argparse.Namespace) -> int:
    low, high = (float(x) for x in args.kills_every.split("-"))
    async with bench_database(args.db) as db_url:
        with tempfile.TemporaryDirectory(prefix="duban-soak-") as workdir:
            tally = await run_soak(
                db_url, seconds=args.seconds, kills_every=(low, high), seed=args.seed, workdir=Path(workdir)
            )
    print(report(tally, args.db, args.seconds))
    return 1 if tally.failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--kills-every", default="2-6", help="seconds between kills, low-high")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replicas", type=int, default=1, help="replicas of duban serve (PostgreSQL only)")
    raise SystemExit(asyncio.run(_main(parser.parse_args())))


if __name__ == "__main__":
    main()
