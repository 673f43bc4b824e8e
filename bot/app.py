"""Composition root: wires settings, database, Slack client, services, handlers and the scheduler."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.dispatcher import OutboxDispatcher
from bot.domain.clock import Clock, SystemClock
from bot.inbound_guard import guard
from bot.observability import InstrumentedApp, InstrumentedWebClient, Metrics, metrics_handler
from bot.services import Services
from bot.services.context import ServiceContext
from bot.services.delivery import DeliveryService
from bot.services.organisation import load_org_file
from bot.settings import Settings
from bot.slack_auth import SlackAuthError, StartupAuthorization
from bot.slack_directory import SlackUserDirectory
from handlers import register_all
from storage.db import create_engine, make_session_factory, ping
from storage.migrate import upgrade
from storage.uow import SqlUnitsOfWork

log = logging.getLogger("duban")
JOB_GRACE_SECONDS = 15.0  # on stop, how long a running sweep or outbox round may take to finish


def make_client(
    settings: Settings,
    *,
    retry_connection_errors: bool = True,
    metrics: Metrics | None = None,
    with_token: bool = True,
) -> AsyncWebClient:
    """Every Web API call goes to SLACK_API_URL. AsyncApp copies base_url and retry handlers from
    this client into the per-request clients it builds, so they are configured here, once."""
    handlers = [AsyncConnectionErrorRetryHandler(max_retry_count=2)] if retry_connection_errors else []
    client = InstrumentedWebClient(
        token=settings.bot_token if with_token else None, base_url=settings.api_url, retry_handlers=handlers
    )
    client.metrics = metrics
    return client


# The cyclic garbage collector, for a long-running server: what start-up built (modules, SQLAlchemy's
# mappers and caches, slack_sdk, jinja2: a few hundred thousand objects) lives as long as the process, yet
# every full collection walked it again: 75-150 ms with the event loop stopped, every few seconds under
# load, and ~10% of the loop's time in collections at 50 concurrent requests (bench.loop_lag, see
# docs/performance.md). ``settle_heap`` moves it out of the collector's sight once started, and the young
# generation is collected every 10,000 net allocations instead of 700 (a request allocates thousands).
GC_THRESHOLDS = (10_000, 10, 10)


def settle_heap() -> None:
    """Collect once, freeze what survived start-up (``gc.freeze``), raise the young threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    client: AsyncWebClient
    services: Services
    app: AsyncApp
    dispatcher: OutboxDispatcher
    scheduler: AsyncIOScheduler | None = None
    runners: list[web.AppRunner] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)
    auth: StartupAuthorization | None = None
    _running_jobs: set[asyncio.Task[Any]] = field(default_factory=set)

    async def verify_slack(self) -> None:
        """auth.test now (serve, socket), not on the first request; SlackAuthError if the token is refused."""
        if self.auth is not None:
            await self.auth.verify()

    async def after_request(self) -> None:
        """Deliver what the last action queued (the demo console and tests call this; serve polls)."""
        await self.services.people.settle()
        await self.dispatcher.drain()

    async def tick(self) -> None:
        """One scheduler beat: let the database say what is due, then deliver it."""
        await self.sweep()
        await self.dispatcher.drain()

    async def sweep(self) -> int:
        """``Services.sweep()``, timed and counted for /metrics."""
        started = time.perf_counter()
        try:
            claimed = await self.services.sweep()
        except Exception:
            self.metrics.sweep_failures.inc()
            raise
        finally:
            self.metrics.sweep_seconds.observe(time.perf_counter() - started)
        self.metrics.sweep_items.inc(claimed)
        return claimed

    def web_app(self, *, slack: bool = True) -> web.Application:
        """``POST /slack/events`` (not with ``slack=False``: Socket Mode), ``/healthz``, ``/metrics``."""
        web_app = self.app.web_app(path="/slack/events") if slack else web.Application()
        if slack:
            web_app.middlewares.append(guard("/slack/events"))

        async def healthz(request: web.Request) -> web.Response:
            """200 ``{"ok": true}``; 503 naming what is wrong: the database unreachable, or Slack refusing
            the bot token (sending stopped until it is fixed)."""
            problems: dict[str, str] = {}
            if not await ping(self.engine):
                problems["database"] = "unreachable"
            if self.dispatcher.halted is not None:
                problems["slack"] = self.dispatcher.halted
            return web.json_response({"ok": not problems, **problems}, status=503 if problems else 200)

        async def metrics_text() -> bytes:
            return await self.metrics.render(self.sessions, self.clock.now())

        web_app.router.add_get("/healthz", healthz)
        web_app.router.add_get("/metrics", metrics_handler(metrics_text, self.settings.metrics_token))
        return web_app

    async def serve_http(self, host: str, port: int, *, slack: bool = True, shared: bool = False) -> int:
        """``shared``: bind with SO_REUSEPORT, beside the other workers of ``DUBAN_WORKERS``."""
        runner = web.AppRunner(self.web_app(slack=slack), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port, reuse_port=shared or None)
        await site.start()
        self.runners.append(runner)
        server = site._server  # the bound port when port=0
        sockets = getattr(server, "sockets", None) or []
        return sockets[0].getsockname()[1] if sockets else port

    def start_scheduler(self) -> None:
        """APScheduler only triggers; the database decides what is due and who claims it."""
        scheduler = AsyncIOScheduler(timezone=self.settings.timezone)
        scheduler.add_job(
            self._job,
            "interval",
            args=[self.dispatcher.run_once],
            seconds=1,
            max_instances=1,
            coalesce=True,
            id="outbox",
        )
        # Once at start-up (catch up whatever fell due while we were down), then every DUBAN_SWEEP_SECONDS.
        scheduler.add_job(
            self._job,
            "interval",
            args=[self.sweep],
            seconds=self.settings.sweep_seconds,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            id="sweep",
        )
        scheduler.start()
        self.scheduler = scheduler

    async def _job(self, work: Callable[[], Awaitable[object]]) -> None:
        """A scheduled run, tracked so that ``close()`` lets it finish instead of cancelling it mid-query."""
        task = asyncio.current_task()
        if task is not None:
            self._running_jobs.add(task)
        try:
            await work()
        finally:
            if task is not None:
                self._running_jobs.discard(task)

    async def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.pause()
            if self._running_jobs:
                await asyncio.wait(set(self._running_jobs), timeout=JOB_GRACE_SECONDS)
            self.scheduler.shutdown(wait=False)
        for runner in self.runners:
            await runner.cleanup()
        await self.services.people.stop_refreshing()
        await self.engine.dispose()


async def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    bolt_options: dict[str, Any] | None = None,
    verify_slack: bool = False,
) -> Runtime:
    """``verify_slack``: call auth.test before anything else and raise SlackAuthError on a refused token
    (serve, socket); otherwise the first request does it (tests, the demo)."""
    # A bad organisation file stops the start before anything else, with one line (OrgFileError).
    organisation = load_org_file(settings.org_file) if settings.org_file else None
    metrics = Metrics()
    client = make_client(settings, metrics=metrics)
    auth = StartupAuthorization(client)
    if verify_slack:
        await _verify_or_warn(auth)
    if migrate:
        await upgrade(settings.database_url)
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    sessions = make_session_factory(engine)
    ctx = ServiceContext(
        units=SqlUnitsOfWork(sessions), clock=clock, settings=settings, directory=SlackUserDirectory(client)
    )
    services = Services.build(ctx)
    # Work is done before the ack (all of it is short database work), so an answer always reflects
    # what was saved and nothing is lost if the process dies right after acknowledging.
    # Bolt gets a client without a token, so it authorises through ``auth`` (answered from the auth.test
    # made at start) instead of calling auth.test itself on the first request.
    app = InstrumentedApp(
        client=make_client(settings, metrics=metrics, with_token=False),
        authorize=auth.bolt_authorize(),
        signing_secret=settings.signing_secret,
        process_before_response=True,
        **(bolt_options or {}),
    )
    app.metrics = metrics
    # Roles named in the environment hold from the first request on, at every start.
    await services.people.apply_configured_roles()
    if organisation is not None:
        await services.org.apply(organisation)
    register_all(app, services)
    delivery = DeliveryService(ctx)
    dispatcher = OutboxDispatcher(
        sessions,
        # The dispatcher retries itself, via the outbox.
        make_client(settings, retry_connection_errors=False, metrics=metrics),
        clock,
        worker_id=f"{socket.gethostname()}:{os.getpid()}",
        on_permanent_failure=delivery.record_failure,
    )
    return Runtime(
        settings, clock, engine, sessions, client, services, app, dispatcher, metrics=metrics, auth=auth
    )


async def check_before_start(settings: Settings) -> None:
    """What ``build_runtime(verify_slack=True)`` checks first, for a supervisor before it forks workers:
    the organisation file (OrgFileError) and the token (SlackAuthError), with nothing else touched."""
    if settings.org_file:
        load_org_file(settings.org_file)
    client = make_client(settings, metrics=Metrics())
    await _verify_or_warn(StartupAuthorization(client))


async def _verify_or_warn(auth: StartupAuthorization) -> None:
    """A refused token stops the start (SlackAuthError); Slack unreachable only warns: the first request
    tries again, and a replica restarting during a Slack outage should come up."""
    try:
        await auth.verify()
    except SlackAuthError:
        raise
    except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
        log.warning("could not check the Slack token at start (%s); retrying on the first request", exc)
