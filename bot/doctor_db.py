"""``duban doctor``'s checks that read the database: migrations, the working-day calendar, roles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.calendar_sources import standard_calendar
from bot.doctor import Check, fail, ok, warn
from bot.domain.calendar import WorkCalendar
from bot.settings import Settings
from storage.db import normalise_url
from storage.migrate import alembic_config
from storage.models import CalendarOverrideRow, CalendarYearRow, RoleRow

DB_NAME = "database (数据库)"


def sqlite_file_missing(url: str) -> Path | None:
    """The SQLite file the URL names when it does not exist (connecting would create it empty)."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def _current_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def database_check(engine: AsyncEngine) -> Check:
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    try:
        async with engine.connect() as conn:
            current = await conn.run_sync(_current_heads)
    except Exception as exc:  # any driver or network failure
        return fail(
            DB_NAME,
            f"not reachable ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})",
            "check DATABASE_URL, the server and its credentials",
        )
    if current != heads:
        at = ", ".join(sorted(current)) or "no migration"
        return fail(
            DB_NAME,
            f"reachable but not migrated (at {at}, code expects {', '.join(sorted(heads))})",
            "run `duban migrate` (serve and socket also migrate at start)",
        )
    return ok(DB_NAME, f"reachable and migrated ({', '.join(sorted(heads))})")


def year_has_official_schedule(calendar: WorkCalendar, year: int) -> bool:
    """Whether the holidays and 调休 of ``year`` are official: published (the package has them) or entered
    and confirmed by an admin. Otherwise Duban counts with computed holidays, provisionally."""
    return calendar.covers(year)


async def calendar_checks(engine: AsyncEngine | None, today: date) -> list[Check]:
    overrides: dict[date, bool] = {}
    confirmed: list[int] = []
    if engine is not None:
        async with engine.connect() as conn:
            overrides = {
                day: bool(work)
                for day, work in await conn.execute(
                    select(CalendarOverrideRow.day, CalendarOverrideRow.is_workday)
                )
            }
            confirmed = [int(y) for y in (await conn.scalars(select(CalendarYearRow.year))).all()]
    calendar = standard_calendar(overrides, frozenset(confirmed))
    fix = (
        "upgrade the chinesecalendar package once the State Council publishes the schedule "
        "(pip install -U chinesecalendar), or enter it: /duban holiday {y}-MM-DD off|work …, "
        "then /duban holiday {y} confirm"
    )
    this, following = today.year, today.year + 1
    checks = [
        ok(f"calendar {this} (工作日历)", "official holidays and make-up days known")
        if year_has_official_schedule(calendar, this)
        else fail(
            f"calendar {this} (工作日历)",
            "no official holiday schedule for this year (only computed, without 调休 make-up days)",
            fix.format(y=this),
        )
    ]
    if year_has_official_schedule(calendar, following):
        checks.append(ok(f"calendar {following} (工作日历)", "official holidays and make-up days known"))
    else:
        checks.append(
            warn(
                f"calendar {following} (工作日历)",
                "next year's official schedule is not known yet (deadlines there are counted provisionally)",
                fix.format(y=following),
            )
        )
    return checks


async def roles_check(engine: AsyncEngine | None, settings: Settings, client: AsyncWebClient | None) -> Check:
    """At least one leader and one supervisor, from the environment or granted by command."""
    name = "roles (领导 / 督查人员)"
    holders: dict[str, set[str]] = {
        "leader": set(settings.leaders),
        "supervisor": set(settings.supervisors),
        "admin": set(settings.admins),
    }
    if engine is not None:
        async with engine.connect() as conn:
            for user_id, role in await conn.execute(select(RoleRow.user_id, RoleRow.role)):
                holders.setdefault(str(role), set()).add(str(user_id))
    missing = [role for role in ("leader", "supervisor") if not holders.get(role)]
    if missing:
        variables = " and ".join(f"DUBAN_{role.upper()}S" for role in missing)
        return fail(
            name, f"no {' and no '.join(missing)} configured", f"set {variables} to Slack user ids (U…)"
        )
    if client is not None:
        unknown = []
        for user_id in sorted(set(settings.leaders) | set(settings.supervisors) | set(settings.admins)):
            try:
                response = await client.users_info(user=user_id)
            except SlackApiError:
                unknown.append(user_id)
                continue
            if (response.get("user") or {}).get("deleted"):
                unknown.append(user_id)
        if unknown:
            return fail(
                name,
                f"Slack does not know (or deactivated) {', '.join(unknown)}",
                "copy member ids from each person's profile (⋮ → Copy member ID)",
            )
    counts = ", ".join(f"{len(holders[r])} {r}{'s' if len(holders[r]) != 1 else ''}" for r in holders)
    return ok(name, counts)
