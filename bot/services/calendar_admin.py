"""Admins keep the working-day calendar right: holidays and make-up workdays (调休) per organisation.

When the State Council publishes next year's 放假安排, an admin enters its days off and make-up
workdays (a range at a time) and confirms the year; until then the year is computed and deadlines in
it are provisional. The listing says where every day came from: the published package, the
computed statutory holidays, or the admin who entered it (and when).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain import permissions
from bot.domain.calendar import DaySource, WorkCalendar
from bot.domain.commands import Holiday
from bot.domain.due_dates import DueReading
from bot.domain.errors import DomainError
from bot.domain.ports import UnitOfWork
from bot.domain.read_models import Note
from bot.notifications import NoticeKind, Notifier
from bot.services.base import Service
from bot.services.people import PeopleService


@dataclass(frozen=True, slots=True)
class ListedDay:
    day: date
    is_workday: bool
    source: DaySource
    name: str | None = None  # the package's holiday name (English)
    note: str = ""  # what the admin typed
    by: str | None = None
    at: datetime | None = None


@dataclass(slots=True)
class HolidayResult:
    action: str
    day: date | None = None
    until: date | None = None
    year: int | None = None
    note: str | None = None
    changed: bool = True
    count: int = 0  # days set or cleared
    # The year's standing: "official" (published package), "entered" (confirmed by an admin) or "computed".
    status: str = "computed"
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    days: list[ListedDay] = field(default_factory=list)
    entered_off: int = 0  # the confirmed year's entered days off and make-up workdays
    entered_work: int = 0


def _days(first: date, last: date | None) -> list[date]:
    return [first + timedelta(days=i) for i in range(((last or first) - first).days + 1)]


class CalendarAdminService(Service):
    async def apply(self, actor_id: str, command: Holiday) -> HolidayResult:
        actor = await self.people.actor(actor_id)
        if command.action != "list":
            permissions.require(actor, permissions.Action.HOLIDAY)
        now = self.ctx.now()
        async with self.ctx.uow() as uow:
            if command.action in ("off", "work"):
                assert command.day is not None
                days = _days(command.day, command.until)
                for day in days:
                    await uow.calendar.set_override(
                        day, command.action == "work", command.note or "", by=actor_id, now=now
                    )
                return HolidayResult(
                    command.action, day=command.day, until=command.until, note=command.note, count=len(days)
                )
            if command.action == "clear":
                assert command.day is not None
                cleared = await uow.calendar.clear_override(command.day, command.until)
                return HolidayResult(
                    "clear", day=command.day, until=command.until, changed=cleared > 0, count=cleared
                )
            if command.action == "confirm":
                assert command.year is not None
                await uow.calendar.confirm_year(command.year, by=actor_id, now=now)
                entered = await uow.calendar.override_details(command.year)
                overrides = await uow.calendar.overrides()
                work = sum(1 for day in entered if overrides.get(day))
                result = await self._standing(uow, HolidayResult("confirm", year=command.year))
                result.entered_off, result.entered_work = len(entered) - work, work
                return result
            if command.action == "list":
                year = command.year or self.ctx.today().year
                result = await self._standing(uow, HolidayResult("list", year=year))
                calendar = await self.ctx.calendar(uow)
                entered = await uow.calendar.override_details(year)
                for listed in calendar.year_days(year):
                    note, by, at = entered.get(listed.day, ("", None, None))
                    result.days.append(
                        ListedDay(listed.day, listed.is_workday, listed.source, listed.name, note, by, at)
                    )
                return result
        raise DomainError("bad_holiday", text=command.action)

    async def _standing(self, uow: UnitOfWork, result: HolidayResult) -> HolidayResult:
        """Fill in where the year's schedule comes from."""
        assert result.year is not None
        calendar = await self.ctx.calendar(uow)
        confirmation = await uow.calendar.confirmation(result.year)
        if calendar.published(result.year):
            result.status = "official"
        elif confirmation is not None:
            result.status = "entered"
            result.confirmed_by, result.confirmed_at = confirmation
        return result


async def tell_office_of_computed_years(
    people: PeopleService, uow: UnitOfWork, years: Iterable[int], now: datetime
) -> None:
    """Never a silent guess: admins and supervisors hear, once per year each, that a year's working days
    are computed (the outbox key makes every later call for the same year a no-op)."""
    years = sorted(set(years))
    if not years:
        return
    notifier, kind = Notifier(people.ctx.settings), NoticeKind.CALENDAR_COMPUTED
    for person in await notifier.audience(uow, kind, None):
        for year in years:
            await notifier.send(uow, kind, None, person, now=now, key={"year": year}, data={"year": year})


def date_notes(calendar: WorkCalendar, reading: DueReading | date, *, deadline: bool) -> list[Note]:
    """What to tell the person who typed a date: that it rolled into next year, that it is a day off
    (accepted, with the next working day), that the year's working days are only computed."""
    if isinstance(reading, date):
        reading = DueReading(reading)
    day, notes = reading.day, []
    if reading.next_year:
        notes.append(("cal.due_next_year", {"month": day.month, "day": day.day, "date": day}))
    if not calendar.is_workday(day):
        holiday = calendar.holiday_name(day) or ""
        if deadline:
            next_day = calendar.next_workday(day)
            notes.append(("cal.due_not_workday", {"date": day, "holiday": holiday, "next": next_day}))
        else:
            notes.append(("cal.date_not_workday", {"date": day, "holiday": holiday}))
    if calendar.is_provisional(day):
        notes.append(("cal.due_provisional", {"year": day.year}))
    return notes
