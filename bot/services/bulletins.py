"""通报: periodic bulletins to the bulletin channel, each exactly once per period, plus previews.

Exactly once: the bulletin row (unique kind + period) is inserted in the same transaction that queues
the Slack sends. A second replica, or a restarted process at the same minute, finds the row (or
waits for the first transaction and then finds it) and queues nothing. The outbox idempotency keys
are a second fence. After downtime the start-up sweep posts only the latest missed period per kind.

A manual ``/duban bulletin … post`` claims its own row, ``<period>:manual:<local date>`` (once per kind
and day), so it never takes the scheduled bulletin's plain ``<period>`` row.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.domain import permissions
from bot.domain.calendar import WorkCalendar
from bot.domain.periods import Period, PeriodKind, due_periods, may_post, period_containing
from bot.domain.ports import UnitOfWork
from bot.domain.read_models import BulletinView, DepartmentName
from bot.domain.repositories import BulletinRecord
from bot.domain.statistics import (
    BulletinStats,
    ItemSnapshot,
    OfficeLimits,
    StatsConfig,
    compute,
    office_limits,
    trend,
)
from bot.domain.urge_modes import count_modes
from bot.notifications import NoticeKind, documents
from bot.services.base import Service
from bot.services.bulletin_signoff import BulletinSignoffService
from bot.services.context import ServiceContext
from bot.services.people import PeopleService
from bot.settings import Settings

log = logging.getLogger("duban.bulletins")

POST_AT = time(9, 0)
KINDS: tuple[PeriodKind, ...] = tuple(PeriodKind)
TREND_PERIODS = 6
# The office's own time limits are measured in the monthly and longer bulletins.
OFFICE_LIMIT_KINDS = frozenset({PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR})


def stats_config(settings: Settings) -> StatsConfig:
    """The score weights and thresholds of the figures, from the settings (DUBAN_SCORE_*, …)."""
    defaults = StatsConfig()
    return StatsConfig(
        yellow_workdays=(
            defaults.yellow_workdays if settings.yellow_workdays is None else settings.yellow_workdays
        ),
        criticism_overdue_days=(
            defaults.criticism_overdue_days
            if settings.criticise_overdue_days is None
            else settings.criticise_overdue_days
        ),
        score_on_time=settings.score_on_time,
        score_late=settings.score_late,
        score_return=settings.score_return,
    )


def manual_key(period: Period, day: date) -> str:
    """The bulletin row of a manual post: its own, once per kind and local day."""
    return f"{period.key}:manual:{day.isoformat()}"


@dataclass(slots=True)
class PostOutcome:
    kind: str
    period: Period
    posted: bool
    channel: str | None
    already: BulletinRecord | None = None
    signers: list[str] = field(default_factory=list)  # a draft went to them for sign-off


@dataclass(slots=True)
class Built:
    view: BulletinView
    snapshots: list[ItemSnapshot]
    names: dict[str, tuple[str, str]]
    calendar: WorkCalendar


class BulletinService(Service):
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        super().__init__(ctx, people)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.config = stats_config(ctx.settings)
        self._warned_no_channel = False
        self._drawing = asyncio.Lock()
        self.signoff = BulletinSignoffService(ctx, people)

    # -- schedule -------------------------------------------------------------------------------

    async def sweep(self) -> int:
        """Post every bulletin whose time has come and that nobody has posted yet; returns how many."""
        channel = self.ctx.settings.bulletin_channel
        if not channel:
            if not self._warned_no_channel:
                log.info("DUBAN_BULLETIN_CHANNEL is not set: scheduled bulletins are skipped")
                self._warned_no_channel = True
            return 0
        local_now = self.ctx.local_now()
        posted = 0
        async with self.ctx.uow() as uow:
            calendar = (await self.ctx.calendar(uow)).with_guessing()
            due: list[Period] = []
            settings = self.ctx.settings
            if not may_post(local_now, calendar, settings.work_start, settings.work_end):
                return 0  # a night, weekend or holiday: the next working morning posts it
            for kind in KINDS:
                for period in due_periods(kind, local_now, calendar, POST_AT):
                    if await uow.reporting.bulletin(kind.value, period.key) is not None:
                        continue
                    # Nothing existed yet in that period (a new installation): nothing to report.
                    end = datetime.combine(period.end, time.max, tzinfo=self.ctx.settings.zone)
                    if await uow.reporting.has_items_created_before(end):
                        due.append(period)
        for period in due:
            outcome = await self.publish(period, channel=channel)
            posted += outcome.posted
        return posted

    # -- user commands ----------------------------------------------------------------------------

    async def preview(self, actor_id: str, kind: str) -> tuple[BulletinView, bool]:
        """The current period's bulletin as of now, and whether the reader may see confidential titles."""
        actor = await self.people.actor(actor_id)
        period = period_containing(kind, self.ctx.today())
        built = await self._build(period)
        return built.view, permissions.cleared(actor)

    async def post(self, actor_id: str, kind: str) -> PostOutcome:
        """Publish the current period's bulletin now (at most once per kind and day).

        It has its own row, so the scheduled bulletin of the period still goes out after it ends.
        """
        await self.authorised(actor_id, permissions.Action.BULLETIN)
        period = period_containing(kind, self.ctx.today())
        channel = self.ctx.settings.bulletin_channel
        if not channel:
            return PostOutcome(kind, period, posted=False, channel=None)
        return await self.publish(
            period, channel=channel, actor_id=actor_id, key=manual_key(period, self.ctx.today())
        )

    # -- the work ---------------------------------------------------------------------------------

    async def publish(
        self, period: Period, *, channel: str, actor_id: str | None = None, key: str | None = None
    ) -> PostOutcome:
        """Post the bulletin of ``period`` under the row ``key`` (default: the scheduled one)."""
        kind = period.kind.value
        key = key or period.key
        async with self.ctx.uow() as uow:
            existing = await uow.reporting.bulletin(kind, key)
            waiting = [p.user_id for p in await self.signoff.signers(uow)] if existing else []
        if existing is not None:
            signers = waiting if existing.status == "draft" else []  # still awaiting the sign-off
            return PostOutcome(kind, period, posted=False, channel=channel, already=existing, signers=signers)
        # Figures, text and chart are made outside the claiming transaction (no lock held meanwhile).
        built = await self._build(period)
        locale = self.ctx.settings.locale
        # Drawing takes a second or more (its first font scan several): off the event loop, so requests
        # and the stop signal are served meanwhile; one chart at a time (matplotlib's caches are shared).
        async with self._drawing:
            chart = await asyncio.to_thread(self._chart, built, locale)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            claimed = await uow.reporting.claim_bulletin(
                kind, key, claimed_by=actor_id or self.worker_id, channel=channel, now=now
            )
            if not claimed:
                existing = await uow.reporting.bulletin(kind, key)
                return PostOutcome(kind, period, posted=False, channel=channel, already=existing)
            content = documents.bulletin_summary(built.view) | {"by": actor_id}
            if self.ctx.settings.bulletin_signoff:  # S3: the leader decides whether it is published
                label, body, upload = documents.bulletin_draft(built.view, period, locale, channel, chart)
                signers = await self.signoff.draft(
                    uow, kind=kind, key=key, label=label, body=body, chart=upload, summary=content, now=now
                )
                log.info("bulletin %s %s drafted for sign-off", kind, key)
                return PostOutcome(kind, period, posted=False, channel=channel, signers=signers)
            await self._queue(uow, period, key, channel, built.view, chart, now)
            await uow.reporting.mark_bulletin_queued(kind, key, content=content, now=now)
        log.info("bulletin %s %s queued for %s", kind, key, channel)
        return PostOutcome(kind, period, posted=True, channel=channel)

    async def _queue(
        self,
        uow: UnitOfWork,
        period: Period,
        key: str,
        channel: str,
        view: BulletinView,
        chart: bytes | None,
        now: datetime,
    ) -> None:
        """The bulletin, and its chart when there is one, to the channel (read by anyone in it)."""
        notifier, keys = self.notifier, {"kind": period.kind.value, "period": key}
        await notifier.send(uow, NoticeKind.BULLETIN, None, channel, now=now, key=keys, data={"view": view})
        if chart is None:
            return
        data = {"period": period, "chart": chart}
        await notifier.send(uow, NoticeKind.BULLETIN_CHART, None, channel, now=now, key=keys, data=data)

    def _chart(self, built: Built, locale: str) -> bytes | None:
        stats = built.view.stats
        try:
            points = trend(
                built.snapshots,
                stats.period,
                count=TREND_PERIODS,
                today=self.ctx.today(),
                tz=self.ctx.settings.zone,
                calendar=built.calendar,
                config=stats.config,
            )
            return documents.bulletin_chart(
                stats.departments, built.names, points, locale=locale, period=stats.period
            )
        except Exception:  # a chart must never stop the bulletin itself
            log.exception("could not draw the chart of bulletin %s", stats.period.key)
            return None

    async def _build(self, period: Period) -> Built:
        today, zone = self.ctx.today(), self.ctx.settings.zone
        async with self.ctx.uow() as uow:
            calendar = (await self.ctx.calendar(uow)).with_guessing()
            snapshots = await uow.reporting.snapshots()
            names = await uow.reporting.departments()
            timelines = None
            end = min(period.end, today) + timedelta(days=1)
            urgings = count_modes(
                await uow.reporting.urgings_sent(
                    datetime.combine(period.start, time.min, tzinfo=zone),
                    datetime.combine(end, time.min, tzinfo=zone),
                )
            )
            if period.kind in OFFICE_LIMIT_KINDS:
                since = datetime.combine(period.start, time.min, tzinfo=zone)
                timelines = await uow.reporting.office_timelines(since)
        stats: BulletinStats = compute(
            snapshots, period, today=today, tz=zone, calendar=calendar, config=self.config
        )
        office: OfficeLimits | None = None
        if timelines is not None:
            office = office_limits(timelines, period, today=today, tz=zone, calendar=calendar)
        view = BulletinView(
            stats,
            {code: DepartmentName(zh, en) for code, (zh, en) in names.items()},
            office,
            self.ctx.settings.timezone,
            urgings,
        )
        return Built(view, snapshots, names, calendar)
