"""App Home (督办工作台): what each person should look at, by role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.domain import permissions
from bot.domain.fairness import Outcome, counted, finished_on, outcome
from bot.domain.items import Role
from bot.domain.lifecycle import OPEN_STATES, State
from bot.domain.periods import period_containing
from bot.domain.statistics import Figures, ItemSnapshot, Light, compute, traffic_light
from bot.services.base import Service
from bot.services.bulletins import stats_config
from bot.services.context import ServiceContext
from bot.services.people import PeopleService

RECENT_COMPLETION = timedelta(days=14)
_LIGHT_RANK = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}


@dataclass(frozen=True, slots=True)
class HomeEntry:
    item: ItemSnapshot
    light: Light
    overdue_days: int
    workdays_left: int | None
    finished: Outcome | None = None  # how a completed item finished (the one "on time" rule)


@dataclass(frozen=True, slots=True)
class UrgeEntry:
    item: ItemSnapshot
    rung: str
    recipient_id: str | None
    sent_at: object


@dataclass(slots=True)
class HomeData:
    user_id: str
    roles: frozenset[Role]
    mine: list[HomeEntry] = field(default_factory=list)
    awaiting_review: list[HomeEntry] = field(default_factory=list)
    unanswered_urges: list[UrgeEntry] = field(default_factory=list)
    overdue: list[HomeEntry] = field(default_factory=list)
    departments: dict[str, Figures] = field(default_factory=dict)
    department_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    awaiting_approval: list[HomeEntry] = field(default_factory=list)
    recently_completed: list[HomeEntry] = field(default_factory=list)

    @property
    def is_supervisor(self) -> bool:
        return any(role in self.roles for role in permissions.OFFICE_ROLES)

    @property
    def is_leader(self) -> bool:
        return Role.LEADER in self.roles


class DashboardService(Service):
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        super().__init__(ctx, people)
        self.config = stats_config(ctx.settings)

    async def home(self, user_id: str) -> HomeData:
        actor = await self.people.actor(user_id)
        today, zone = self.ctx.today(), self.ctx.settings.zone
        data = HomeData(user_id, frozenset(actor.roles))
        async with self.ctx.read() as uow:
            calendar = (await self.ctx.calendar(uow)).with_guessing()
            owned = set(await uow.reporting.owned_item_ids(user_id))
            overseer = permissions.allowed(actor, permissions.Action.LIST_ALL)  # sees every item
            snapshots = await uow.reporting.snapshots(item_ids=None if overseer else sorted(owned))
            urges = await uow.reporting.unanswered_urges() if data.is_supervisor else []
            if data.is_leader:
                data.department_names = await uow.reporting.departments()

        def entry(item: ItemSnapshot) -> HomeEntry:
            due = item.current_due
            if item.state not in OPEN_STATES:  # finished: how it finished, never "N days overdue"
                day = finished_on(item.final_reported_at, item.completed_at, zone)
                done = outcome(day, due) if day is not None and due is not None else None
                return HomeEntry(item, Light.GREEN, 0, None, done)
            light, left = traffic_light(item, today, calendar, self.config.yellow_workdays)
            if not counted(item.state):  # awaiting approval: its clock has not started
                return HomeEntry(item, Light.GREEN, 0, None)
            overdue = (today - due).days if due is not None and today > due else 0
            return HomeEntry(item, light, overdue, left)

        def urgent_first(entries: list[HomeEntry]) -> list[HomeEntry]:
            return sorted(
                entries,
                key=lambda e: (
                    _LIGHT_RANK[e.light],
                    -e.overdue_days,
                    e.item.current_due or today,
                    e.item.number,
                ),
            )

        open_items = [s for s in snapshots if s.state in OPEN_STATES]
        data.mine = urgent_first([entry(s) for s in open_items if s.item_id in owned])
        if data.is_supervisor:
            data.awaiting_review = urgent_first(
                [entry(s) for s in open_items if s.state in (State.REPORTED, State.UNDER_REVIEW)]
            )
            by_id = {s.item_id: s for s in snapshots}
            data.unanswered_urges = [
                UrgeEntry(by_id[u.item_id], u.rung, u.recipient_id, u.sent_at)
                for u in urges
                if u.item_id in by_id and by_id[u.item_id].state in OPEN_STATES
            ]
            data.overdue = urgent_first(
                [
                    entry(s)
                    for s in open_items
                    if counted(s.state) and s.current_due is not None and today > s.current_due
                ]
            )
        if data.is_leader:
            period = period_containing("month", today)
            data.departments = compute(
                snapshots, period, today=today, tz=zone, calendar=calendar, config=self.config
            ).departments
            data.awaiting_approval = urgent_first(
                [entry(s) for s in open_items if s.state is State.PENDING_APPROVAL]
            )
            since = self.ctx.now() - RECENT_COMPLETION
            data.recently_completed = [
                entry(s)
                for s in sorted(snapshots, key=lambda s: s.completed_at or since, reverse=True)
                if s.state is State.COMPLETED and s.completed_at is not None and s.completed_at >= since
            ]
        return data
