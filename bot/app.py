"""Composition root: wires settings, database, Slack client, services, handlers and the scheduler."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.dispatcher import OutboxDispatcher
from bot.domain.clock import Clock, SystemClock
from bot.inbound_guard import guard
from bot.services import Services
from bot.services.context import ServiceContext
from bot.services.delivery import DeliveryService
from bot.settings import Settings
from bot.slack_directory import SlackUserDirectory
from handlers import register_all
from storage.db import create_engine, make_session_factory, ping
from storage.migrate import upgrade

log = logging.getLogger("duban")


def make_client(settings: Settings, *, retry_connection_errors: bool = True) -> AsyncWebClient:
    """Every Web API call goes to SLACK_API_URL. AsyncApp copies base_url and retry handlers from
    this client into the per-request clients it builds, so they are configured here, once."""
    handlers = [AsyncConnectionErrorRetryHandler(max_retry_count=2)] if retry_connection_errors else []
    return AsyncWebClient(token=settings.bot_token, base_url=settings.api_url, retry_handlers=handlers)


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

    async def after_request(self) -> None:
        """Deliver what the last action queued (the demo console and tests call this; serve polls)."""
        await self.dispatcher.drain()

    async def tick(self) -> None:
        """One scheduler beat: let the database say what is due, then deliver it."""
        await self.services.sweep()
        await self.dispatcher.drain()

    def web_app(self) -> web.Application:
        web_app = self.app.web_app(path="/slack/events")
        web_app.middlewares.append(guard("/slack/events"))

        async def healthz(request: web.Request) -> web.Response:
            healthy = await ping(self.engine)
            return web.json_response({"ok": healthy}, status=200 if healthy else 503)

        web_app.router.add_get("/healthz", healthz)
        return web_app

    async def serve_http(self, host: str, port: int) -> int:
        runner = web.AppRunner(self.web_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self.runners.append(runner)
        server = site._server  # the bound port when port=0
        sockets = getattr(server, "sockets", None) or []
        return sockets[0].getsockname()[1] if sockets else port

    def start_scheduler(self) -> None:
        """APScheduler only triggers; the database decides what is due and who claims it."""
        scheduler = AsyncIOScheduler(timezone=self.settings.timezone)
        scheduler.add_job(
            self.dispatcher.run_once, "interval", seconds=1, max_instances=1, coalesce=True, id="outbox"
        )
        # Once at start-up (catch up whatever fell due while we were down), then every DUBAN_SWEEP_SECONDS.
        scheduler.add_job(
            self.services.sweep,
            "interval",
            seconds=self.settings.sweep_seconds,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            id="sweep",
        )
        scheduler.start()
        self.scheduler = scheduler

    async def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        for runner in self.runners:
            await runner.cleanup()
        await self.engine.dispose()


async def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    migrate: bool = True,
    bolt_options: dict[str, Any] | None = None,
) -> Runtime:
    if migrate:
        await upgrade(settings.database_url)
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    sessions = make_session_factory(engine)
    client = make_client(settings)
    ctx = ServiceContext(
        sessions=sessions, clock=clock, settings=settings, directory=SlackUserDirectory(client)
    )
    services = Services.build(ctx)
    # Work is done before the ack (all of it is short database work), so an answer always reflects
    # what was saved and nothing is lost if the process dies right after acknowledging.
    app = AsyncApp(
        client=client,
        signing_secret=settings.signing_secret,
        process_before_response=True,
        **(bolt_options or {}),
    )
    # Roles named in the environment hold from the first request on, at every start.
    await services.people.apply_configured_roles()
    register_all(app, services)
    delivery = DeliveryService(ctx)
    dispatcher = OutboxDispatcher(
        sessions,
        make_client(settings, retry_connection_errors=False),  # the dispatcher retries itself, via the outbox
        clock,
        worker_id=f"{socket.gethostname()}:{os.getpid()}",
        on_permanent_failure=delivery.record_failure,
    )
    return Runtime(settings, clock, engine, sessions, client, services, app, dispatcher)
