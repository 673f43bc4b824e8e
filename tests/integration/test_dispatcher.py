"""The outbox dispatcher against a small fake of the Slack Web API served on loopback.

The fake is a real aiohttp server on 127.0.0.1, so slack-sdk's HTTP path (status codes, headers,
JSON bodies) is exercised for real. Time only moves when a test moves the ManualClock.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.dispatcher import DispatchStats, OutboxDispatcher
from bot.domain.clock import ManualClock
from storage import outbox
from storage.db import as_utc, make_session_factory
from storage.models import OutboxRow, SlackMessageRow
from storage.outbox import ClaimedSend
from tests.integration.factories import T0, make_item

Reply = tuple[int, dict[str, Any], dict[str, str]]


@dataclass
class Call:
    method: str
    payload: dict[str, Any]
    at: datetime
    token: str


@dataclass
class FakeSlack:
    """Answers like Slack; ``script[marker]`` queues special replies for one message text."""

    clock: ManualClock
    calls: list[Call] = field(default_factory=list)
    script: dict[str, list[Reply]] = field(default_factory=dict)
    base_url: str = ""

    @property
    def per_marker(self) -> Counter[str]:
        return Counter(str(c.payload.get("text")) for c in self.calls)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            payload = await request.json()
        else:  # form-encoded methods
            payload = dict(await request.post())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(Call(method, payload, self.clock.now(), token))
        replies = self.script.get(str(payload.get("text")))
        if replies:
            status, body, headers = replies.pop(0)
            return web.json_response(body, status=status, headers=headers)
        if method == "views.publish":
            return web.json_response({"ok": True, "view": {"id": "V1", "hash": "h1"}})
        ts = f"1741000000.{len(self.calls):06d}"
        return web.json_response({"ok": True, "channel": payload.get("channel"), "ts": ts})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
async def fake_slack(clock: ManualClock) -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(clock)
    app = web.Application()
    app.router.add_post("/api/{method}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.base_url = f"http://{host}:{port}/api/"
    yield fake
    await runner.cleanup()


@pytest.fixture
async def client(fake_slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as http:
        yield AsyncWebClient(token="xoxb-test", base_url=fake_slack.base_url, session=http, retry_handlers=[])


async def _enqueue(
    sf: async_sessionmaker[AsyncSession],
    markers: list[str],
    *,
    channel: Callable[[int], str] = lambda i: f"C{i}",
    method: str = "chat.postMessage",
    now: datetime = T0,
) -> None:
    async with sf.begin() as session:
        for i, marker in enumerate(markers):
            await outbox.enqueue(
                session,
                idem_key=f"key:{marker}",
                method=method,
                payload={"channel": channel(i), "text": marker},
                now=now,
            )


async def _row(sf: async_sessionmaker[AsyncSession], marker: str) -> OutboxRow:
    async with sf() as session:
        return (await session.scalars(select(OutboxRow).where(OutboxRow.idem_key == f"key:{marker}"))).one()


def _ok(reply: dict[str, Any] | None = None) -> Reply:
    return 200, {"ok": True, **(reply or {})}, {}


async def test_two_workers_deliver_200_rows_exactly_once(
    engine_factory: Callable[[], AsyncEngine],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    sf_a, sf_b = make_session_factory(engine_factory()), make_session_factory(engine_factory())
    markers = [f"m{i}" for i in range(200)]
    await _enqueue(sf_a, markers, channel=lambda i: f"C{i % 20}")  # 10 messages per channel: pacing matters
    # Separate tokens only so the fake can tell the workers apart (pacing is per process).
    client_b = AsyncWebClient(token="xoxb-b", base_url=fake_slack.base_url, retry_handlers=[])
    workers = [
        OutboxDispatcher(sf_a, client, clock, worker_id="a"),
        OutboxDispatcher(sf_b, client_b, clock, worker_id="b"),
    ]
    totals = [DispatchStats(), DispatchStats()]
    for _ in range(60):
        stats = await asyncio.gather(*(w.run_once() for w in workers))
        for total, s in zip(totals, stats, strict=True):
            total += s
        if await outbox.pending_count(sf_a) == 0:
            break
        clock.advance(timedelta(seconds=1))
    assert await outbox.pending_count(sf_a) == 0
    assert fake_slack.per_marker == Counter({m: 1 for m in markers})
    assert sum(t.sent for t in totals) == 200 and all(t.sent > 0 for t in totals)
    assert sum(t.failed + t.lost + t.rate_limited for t in totals) == 0
    async with sf_b() as session:
        statuses = Counter((await session.scalars(select(OutboxRow.status))).all())
    assert statuses == {"sent": 200}
    # No worker ever sent two messages to one channel within one second.
    by_channel: dict[tuple[str, str], list[datetime]] = {}
    for call in fake_slack.calls:
        by_channel.setdefault((call.token, call.payload["channel"]), []).append(call.at)
    assert {token for token, _ in by_channel} == {"xoxb-test", "xoxb-b"}
    for times in by_channel.values():
        assert all(b - a >= timedelta(seconds=1) for a, b in pairwise(times))


@pytest.mark.parametrize(
    "reply",
    [
        (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3"}),
        (200, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3"}),
    ],
    ids=["http-429", "ok-false"],
)
async def test_rate_limited_waits_retry_after_then_succeeds(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
    reply: Reply,
) -> None:
    fake_slack.script["first"] = [reply]
    await _enqueue(session_factory, ["first", "second"])
    dispatcher = OutboxDispatcher(session_factory, client, clock, worker_id="w")
    stats = await dispatcher.drain()
    # The method is blocked for the rest of the round: "second" was not even tried.
    assert [c.payload["text"] for c in fake_slack.calls] == ["first"]
    assert (stats.rate_limited, stats.sent, stats.deferred) == (1, 0, 1)
    row = await _row(session_factory, "first")
    assert (row.status, row.attempts, as_utc(row.next_attempt_at)) == (
        "pending",
        0,
        T0 + timedelta(seconds=3),
    )
    clock.advance(timedelta(seconds=2))
    await dispatcher.drain()
    assert len(fake_slack.calls) == 1
    clock.advance(timedelta(seconds=1))
    await dispatcher.drain()
    assert fake_slack.per_marker == Counter({"first": 2, "second": 1})
    assert (await _row(session_factory, "first")).status == "sent"


async def test_server_errors_back_off_exponentially_then_succeed(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    fake_slack.script["m"] = [(500, {"ok": False, "error": "internal_error"}, {})] * 3 + [(503, {}, {})]
    await _enqueue(session_factory, ["m"])
    dispatcher = OutboxDispatcher(session_factory, client, clock, worker_id="w")
    delays = []
    for _ in range(4):
        await dispatcher.drain()
        row = await _row(session_factory, "m")
        assert row.status == "pending"
        delays.append(as_utc(row.next_attempt_at) - clock.now())
        clock.set(as_utc(row.next_attempt_at))
    assert delays == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    await dispatcher.drain()
    row = await _row(session_factory, "m")
    assert (row.status, row.attempts, row.result["channel"]) == ("sent", 5, "C0")
    assert fake_slack.per_marker["m"] == 5


async def test_retries_are_exhausted_after_max_attempts(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    fake_slack.script["m"] = [(500, {"ok": False}, {})] * 10
    failures: list[tuple[ClaimedSend, str]] = []

    async def on_failure(send: ClaimedSend, error: str) -> None:
        failures.append((send, error))

    await _enqueue(session_factory, ["m"])
    dispatcher = OutboxDispatcher(
        session_factory, client, clock, worker_id="w", max_attempts=3, on_permanent_failure=on_failure
    )
    for _ in range(5):
        await dispatcher.drain()
        clock.advance(timedelta(minutes=10))
    row = await _row(session_factory, "m")
    assert (row.status, row.attempts) == ("failed", 3)
    assert fake_slack.per_marker["m"] == 3
    assert len(failures) == 1 and failures[0][1].startswith("gave up after 3 attempts")


async def test_permanent_error_fails_once_and_calls_back(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    fake_slack.script["gone"] = [(200, {"ok": False, "error": "user_not_found"}, {})]
    failures: list[tuple[ClaimedSend, str]] = []

    async def on_failure(send: ClaimedSend, error: str) -> None:
        failures.append((send, error))

    await _enqueue(session_factory, ["gone", "fine"])
    dispatcher = OutboxDispatcher(
        session_factory, client, clock, worker_id="w", on_permanent_failure=on_failure
    )
    stats = await dispatcher.drain()
    assert (stats.failed, stats.sent) == (1, 1)
    clock.advance(timedelta(hours=1))
    await dispatcher.drain()
    assert fake_slack.per_marker == Counter({"gone": 1, "fine": 1})
    assert [(s.idem_key, e) for s, e in failures] == [("key:gone", "user_not_found")]
    row = await _row(session_factory, "gone")
    assert (row.status, row.last_error) == ("failed", "user_not_found")
    assert [r.idem_key for r in await outbox.failed_sends(session_factory)] == ["key:gone"]


async def test_expired_lease_of_a_crashed_worker_is_reclaimed(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    await _enqueue(session_factory, ["orphan"])
    await outbox.claim_due(
        session_factory, now=T0, worker_id="crashed", limit=10, lease=timedelta(seconds=60)
    )
    dispatcher = OutboxDispatcher(session_factory, client, clock, worker_id="w")
    clock.advance(timedelta(seconds=30))
    assert (await dispatcher.drain()).claimed == 0
    clock.advance(timedelta(seconds=31))
    assert (await dispatcher.drain()).sent == 1
    row = await _row(session_factory, "orphan")
    assert (row.status, row.claimed_by, row.attempts) == ("sent", "w", 2)
    assert fake_slack.per_marker["orphan"] == 1


async def test_one_channel_gets_one_message_per_second(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    markers = [f"n{i}" for i in range(5)]
    await _enqueue(session_factory, markers, channel=lambda _: "C_OFFICE")
    dispatcher = OutboxDispatcher(session_factory, client, clock, worker_id="w")
    for second in range(5):
        await dispatcher.drain()
        assert len(fake_slack.calls) == second + 1
        clock.advance(timedelta(seconds=1))
    assert [c.payload["text"] for c in fake_slack.calls] == markers  # in order
    assert [c.at for c in fake_slack.calls] == [T0 + timedelta(seconds=s) for s in range(5)]
    assert await outbox.pending_count(session_factory) == 0


async def test_method_budget_spreads_a_burst_instead_of_hitting_slack(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    markers = [f"u{i}" for i in range(20)]
    await _enqueue(session_factory, markers, method="chat.update")  # 50 per minute
    dispatcher = OutboxDispatcher(session_factory, client, clock, worker_id="w")
    stats = await dispatcher.drain()
    assert stats.sent == 8 and stats.deferred == 12  # the burst allowance, the rest waits its turn
    for _ in range(30):
        clock.advance(timedelta(seconds=1))
        await dispatcher.drain()
    assert fake_slack.per_marker == Counter({m: 1 for m in markers})
    first, last = fake_slack.calls[0].at, fake_slack.calls[-1].at
    assert last - first >= timedelta(seconds=12)  # 12 more calls at 1.2 s each


async def test_views_publish_result_and_message_capture(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    async with session_factory.begin() as session:
        item_id = await make_item(session)
        await outbox.enqueue(
            session,
            idem_key="home",
            method="views.publish",
            payload={"user_id": "U1", "text": "home", "view": {"type": "home", "blocks": []}},
            now=T0,
        )
        await outbox.enqueue(
            session,
            idem_key="notice",
            method="chat.postMessage",
            payload={"channel": "U2", "text": "notice"},
            now=T0,
            item_id=item_id,
            purpose="notice",
            recipient_id="U2",
        )
    await OutboxDispatcher(session_factory, client, clock, worker_id="w").drain()
    async with session_factory() as session:
        home = (await session.scalars(select(OutboxRow).where(OutboxRow.idem_key == "home"))).one()
        [msg] = (await session.scalars(select(SlackMessageRow))).all()
    assert home.result == {"ok": True, "view_id": "V1", "view_hash": "h1"}
    assert (msg.item_id, msg.purpose, msg.user_id, msg.channel) == (item_id, "notice", "U2", "U2")


async def test_a_send_that_could_not_be_recorded_is_never_sent_again(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await _enqueue(session_factory, ["once"])
    real_mark_sent = outbox.mark_sent
    calls = 0

    async def flaky_mark_sent(*args: Any, **kwargs: Any) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database went away")
        return await real_mark_sent(*args, **kwargs)

    monkeypatch.setattr(outbox, "mark_sent", flaky_mark_sent)
    dispatcher = OutboxDispatcher(session_factory, client, clock, worker_id="w")
    await dispatcher.drain()
    assert (await _row(session_factory, "once")).status == "sending"
    clock.advance(timedelta(seconds=61))  # the lease runs out; this process claims it again
    await dispatcher.drain()
    assert (await _row(session_factory, "once")).status == "sent"
    assert fake_slack.per_marker["once"] == 1


async def test_connection_errors_back_off(
    session_factory: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await _enqueue(session_factory, ["m"])
    unreachable = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:1/api/", retry_handlers=[])
    stats = await OutboxDispatcher(session_factory, unreachable, clock, worker_id="w").drain()
    assert stats.retried == 1
    row = await _row(session_factory, "m")
    assert (row.status, row.attempts, as_utc(row.next_attempt_at)) == (
        "pending",
        1,
        T0 + timedelta(seconds=1),
    )
    assert row.last_error.startswith("ClientConnectorError")


async def test_form_only_methods_are_form_encoded(
    session_factory: async_sessionmaker[AsyncSession],
    client: AsyncWebClient,
    fake_slack: FakeSlack,
    clock: ManualClock,
) -> None:
    async with session_factory.begin() as session:
        await outbox.enqueue(
            session,
            idem_key="info",
            method="users.info",
            payload={"user": "U1", "text": "info", "n": [1]},
            now=T0,
        )
    assert (await OutboxDispatcher(session_factory, client, clock, worker_id="w").drain()).sent == 1
    assert [(c.method, c.payload) for c in fake_slack.calls] == [
        ("users.info", {"user": "U1", "text": "info", "n": "[1]"})
    ]
