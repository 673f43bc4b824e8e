"""Prometheus metrics for operators: ``GET /metrics`` on $PORT (serve and socket alike).

* Per request (``InstrumentedApp``): requests and ack latency by kind and command. Bolt's middlewares run
  one after the other before the listener, so only a wrapper around ``async_dispatch`` sees the whole
  ack time, in HTTP and in Socket Mode alike; it also opens the log context of the request.
* Per Slack call (``InstrumentedWebClient``): calls and errors by method and error, for the dispatcher's
  sends and the directory's look-ups.
* Per sweep (``Runtime.sweep``): duration, items claimed, failures.
* At scrape, from the database (true across replicas and restarts): the outbox backlog and the age of its
  oldest pending row, urgings sent by rung, bulletins posted by kind.

Each runtime has its own ``CollectorRegistry``, so runtimes in one process (tests) never share series.
With ``DUBAN_WORKERS`` > 1 each worker calls :func:`share_across_workers` first: its counters and histograms
then live in files in one directory (prometheus_client's multiprocess mode), and a scrape answered by any
worker sums every worker's, those of a worker that died and was started again included.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import logs
from storage.db import as_utc
from storage.models import BulletinRow, OutboxRow, UrgeRecordRow

log = logging.getLogger("duban.requests")

# Slack gives 3 s for an ack; the buckets around it say how close we come.
ACK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
SWEEP_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_ITEM_NUMBER = re.compile(r"\bDB-\d{4}-\d{1,6}\b", re.IGNORECASE)
# Set by share_across_workers in a worker of DUBAN_WORKERS: where every worker's series are kept.
_shared_directory: str | None = None


def share_across_workers(directory: str) -> None:
    """Keep this process's counters and histograms in ``directory`` beside the other workers' (call it in
    the worker, after the fork and before any ``Metrics``: the values of a series are made then)."""
    global _shared_directory
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory  # where the values write their files
    values.ValueClass = values.MultiProcessValue()  # named by this process's pid
    _shared_directory = directory


class Metrics:
    """The series of one runtime, in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "duban_requests", "Slack requests handled", ["kind", "command", "status"], registry=r
        )
        self.ack_seconds = Histogram(
            "duban_ack_seconds",
            "Time from receiving a Slack request to its acknowledgement (work is done before the ack)",
            ["kind", "command"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.slack_calls = Counter(
            "duban_slack_api_calls", "Slack Web API calls made", ["method"], registry=r
        )
        self.slack_errors = Counter(
            "duban_slack_api_errors",
            "Slack Web API calls that failed, by Slack's error (or the network error's type)",
            ["method", "error"],
            registry=r,
        )
        self.sweep_seconds = Histogram(
            "duban_sweep_duration_seconds", "Duration of one sweep", buckets=SWEEP_BUCKETS, registry=r
        )
        self.sweep_items = Counter("duban_sweep_items", "Items and periods the sweeps claimed", registry=r)
        self.sweep_failures = Counter("duban_sweep_failures", "Sweeps that raised an error", registry=r)
        self.database = DatabaseCollector()
        r.register(self.database)
        # What a scrape shows: this registry, or with workers every worker's series plus the database's.
        self.exposed = r
        if _shared_directory is not None:
            self.exposed = CollectorRegistry()
            MultiProcessCollector(self.exposed, path=_shared_directory)
            self.exposed.register(self.database)

    def observe_slack_call(self, method: str, error: str | None) -> None:
        self.slack_calls.labels(method).inc()
        if error is not None:
            self.slack_errors.labels(method, error).inc()

    async def render(self, sessions: async_sessionmaker[AsyncSession], now: datetime) -> bytes:
        """The exposition text, with the database figures read now."""
        try:
            await self.database.refresh(sessions, now)
        except Exception:  # a scrape must still answer (the figures then say stale=1)
            self.database.stale = True
            logging.getLogger("duban").warning("metrics: could not read the database", exc_info=True)
        return generate_latest(self.exposed)


class DatabaseCollector(Collector):
    """Figures read from the database at scrape time (prometheus collectors are synchronous, so the
    async read happens just before ``generate_latest``)."""

    def __init__(self) -> None:
        self.outbox: dict[str, int] = {}
        self.oldest_pending_age: float = 0.0
        self.urgings: dict[str, int] = {}
        self.bulletins: dict[str, int] = {}
        self.stale = False

    async def refresh(self, sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
        async with sessions() as session:
            outbox = await session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
            oldest = await session.scalar(
                select(func.min(OutboxRow.created_at)).where(OutboxRow.status.in_(("pending", "sending")))
            )
            urgings = await session.execute(
                select(UrgeRecordRow.rung, func.count())
                .where(UrgeRecordRow.sent_at.is_not(None))
                .group_by(UrgeRecordRow.rung)
            )
            bulletins = await session.execute(
                select(BulletinRow.kind, func.count())
                .where(BulletinRow.status == "posted")
                .group_by(BulletinRow.kind)
            )
        self.outbox = {str(status): int(n) for status, n in outbox}
        self.oldest_pending_age = max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest else 0.0
        self.urgings = {str(rung): int(n) for rung, n in urgings}
        self.bulletins = {str(kind): int(n) for kind, n in bulletins}
        self.stale = False

    def collect(self) -> Iterable[Metric]:
        backlog = GaugeMetricFamily("duban_outbox_rows", "Outbox rows by status", labels=["status"])
        for status in ("pending", "sending", "sent", "failed"):
            backlog.add_metric([status], self.outbox.get(status, 0))
        yield backlog
        yield GaugeMetricFamily(
            "duban_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox row not yet sent (0 when none is waiting)",
            value=self.oldest_pending_age,
        )
        urgings = CounterMetricFamily("duban_urgings_sent", "Urgings sent, by rung", labels=["rung"])
        for rung, n in sorted(self.urgings.items()):
            urgings.add_metric([rung], n)
        yield urgings
        bulletins = CounterMetricFamily(
            "duban_bulletins_posted", "Bulletins posted, by kind", labels=["kind"]
        )
        for kind, n in sorted(self.bulletins.items()):
            bulletins.add_metric([kind], n)
        yield bulletins
        yield GaugeMetricFamily(
            "duban_metrics_database_stale",
            "1 when the last scrape could not read the database",
            value=self.stale,
        )


class InstrumentedWebClient(AsyncWebClient):
    """An AsyncWebClient that counts its calls and errors (slack_sdk's methods all go through api_call)."""

    metrics: Metrics | None = None

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        try:
            response = await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            self._observe(api_method, str(exc.response.get("error") or f"http_{exc.response.status_code}"))
            raise
        except Exception as exc:
            self._observe(api_method, type(exc).__name__)
            raise
        self._observe(api_method, None)
        return response

    def _observe(self, method: str, error: str | None) -> None:
        if self.metrics is not None:
            self.metrics.observe_slack_call(method, error)


def request_labels(body: Mapping[str, Any]) -> tuple[str, str]:
    """(kind, command) of a Slack request: bounded label values taken from what our code defines."""
    if "command" in body:
        from bot.domain.command_parser import parse_command
        from bot.domain.errors import DomainError

        try:
            parsed = parse_command(str(body.get("text") or ""))
        except (DomainError, ValueError):
            return "command", "invalid"
        return "command", type(parsed).__name__.lower()
    kind = str(body.get("type") or "")
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return "action", str(actions[0].get("action_id") or "unknown")[:64]
    if kind in ("view_submission", "view_closed"):
        return kind, str((body.get("view") or {}).get("callback_id") or "unknown")[:64]
    if kind in ("shortcut", "message_action"):
        return "shortcut", str(body.get("callback_id") or "unknown")[:64]
    if kind == "block_suggestion":
        return "options", str(body.get("action_id") or "unknown")[:64]
    if kind == "event_callback":
        return "event", str((body.get("event") or {}).get("type") or "unknown")[:64]
    return "other", kind[:32] or "unknown"


def _user_of(body: Mapping[str, Any]) -> str | None:
    user = body.get("user_id") or body.get("user") or (body.get("event") or {}).get("user")
    if isinstance(user, Mapping):
        user = user.get("id")
    return str(user) if user else None


def _item_of(body: Mapping[str, Any]) -> str | None:
    match = _ITEM_NUMBER.search(str(body.get("text") or ""))
    return match.group(0).upper() if match else None


class InstrumentedApp(AsyncApp):
    """AsyncApp whose every dispatch (HTTP or Socket Mode) is timed, counted and logged with its context."""

    metrics: Metrics | None = None

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        kind, command = request_labels(req.body)
        event_id = req.body.get("event_id") if kind == "event" else None
        started = time.perf_counter()
        with logs.request_scope(
            request_id=str(event_id or uuid.uuid4().hex[:12]),
            user=_user_of(req.body),
            item=_item_of(req.body),
            event=f"{kind}:{command}",
        ):
            response = await super().async_dispatch(req)
            elapsed = time.perf_counter() - started
            if self.metrics is not None:
                self.metrics.requests.labels(kind, command, str(response.status)).inc()
                self.metrics.ack_seconds.labels(kind, command).observe(elapsed)
            log.info(
                "%s %s answered %s in %.0f ms",
                kind,
                command,
                response.status,
                elapsed * 1000,
                extra={
                    "kind": kind,
                    "command": command,
                    "status": response.status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
        return response


# -- who may read /metrics ------------------------------------------------------------------------

_FORWARDED = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def metrics_allowed(peer: str | None, headers: Mapping[str, str], token: str | None) -> bool:
    """Loopback clients may read; others (and anything a proxy forwarded) need the bearer token."""
    if token:
        given = headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if any(name in headers for name in _FORWARDED):
        return False  # a reverse proxy on this host would otherwise make every outsider look local
    return _is_loopback(peer)


def _is_loopback(peer: str | None) -> bool:
    if not peer:
        return False  # a Unix socket or an unknown peer: only the token opens it
    try:
        address = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


MetricsSource = Callable[[], Awaitable[bytes]]


def metrics_handler(
    source: MetricsSource, token: str | None
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        if not metrics_allowed(request.remote, request.headers, token):
            return web.Response(
                status=403, text="forbidden: /metrics answers loopback clients or a bearer token\n"
            )
        body = await source()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return handle
