"""Admins keep the working-day calendar right: holidays and make-up workdays (调休) per organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain.command_syntax import Holiday
from bot.domain.errors import DomainError, PermissionDenied
from bot.domain.items import Role
from bot.services.context import ServiceContext
from bot.services.people import PeopleService


@dataclass(slots=True)
class HolidayResult:
    action: str
    day: date | None = None
    year: int | None = None
    note: str | None = None
    changed: bool = True
    overrides: list[tuple[date, bool, str]] = field(default_factory=list)
    covered_by_package: bool = False


class CalendarAdminService:
    def __init__(self, ctx: ServiceContext, people: PeopleService) -> None:
        self.ctx = ctx
        self.people = people

    async def apply(self, actor_id: str, command: Holiday) -> HolidayResult:
        actor = await self.people.actor(actor_id)
        if command.action != "list" and not actor.has_any(Role.ADMIN):
            raise PermissionDenied("not_allowed", roles=(Role.ADMIN,), action="holiday")
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            if command.action in ("off", "work"):
                assert command.day is not None
                await uow.calendar.set_override(
                    command.day, command.action == "work", command.note or "", by=actor_id, now=now
                )
                return HolidayResult(command.action, day=command.day, note=command.note)
            if command.action == "clear":
                assert command.day is not None
                changed = await uow.calendar.clear_override(command.day)
                return HolidayResult("clear", day=command.day, changed=changed)
            if command.action == "confirm":
                assert command.year is not None
                await uow.calendar.confirm_year(command.year, by=actor_id, now=now)
                return HolidayResult("confirm", year=command.year)
            if command.action == "list":
                year = command.year or self.ctx.today().year
                calendar = await self.ctx.calendar(uow)
                return HolidayResult(
                    "list",
                    year=year,
                    overrides=await uow.calendar.list_overrides(year),
                    covered_by_package=calendar.covers(year),
                )
        raise DomainError("bad_holiday", text=command.action)
