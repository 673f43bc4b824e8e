"""Who is who: Slack profiles cached in the database, roles, languages."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.command_syntax import UserRef
from bot.domain.errors import DomainError
from bot.domain.items import Role
from bot.domain.people import Department, Person, normalise_locale
from bot.services.context import ServiceContext
from messages.views import Reader
from storage.uow import UnitOfWork

PROFILE_MAX_AGE = timedelta(hours=24)


class PeopleService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def locale_of(self, person: Person | None) -> str:
        return normalise_locale(person.locale if person else None, self.ctx.settings.locale)

    def reader(self, person: Person, *, cleared: bool = True) -> Reader:
        """How to write to someone: their language and timezone. ``cleared``: may see confidential titles
        (true for anyone taking part in the item the message is about)."""
        return Reader(
            user_id=person.user_id,
            locale=self.locale_of(person),
            tz=person.tz or self.ctx.settings.timezone,
            can_see_confidential=cleared,
        )

    async def stored_reader(self, uow: UnitOfWork, user_id: str) -> Reader:
        """``reader`` from the cached profile, inside a transaction (no Slack call)."""
        stored = await uow.people.get(user_id)
        return self.reader(stored[0] if stored else Person(user_id=user_id, name=user_id, locale=""))

    async def person(self, user_id: str, *, refresh: bool = True) -> Person | None:
        """The cached person, refreshed from Slack when unknown or stale (outside any write transaction)."""
        async with self.ctx.uow() as uow:
            cached = await uow.people.get(user_id)
        if cached is not None:
            person, refreshed_at = cached
            if not refresh or (refreshed_at and self.ctx.now() - refreshed_at < PROFILE_MAX_AGE):
                return person
        profile = await self.ctx.directory.fetch(user_id)
        if profile is None:
            return cached[0] if cached else None
        fresh = Person(
            user_id=profile.user_id,
            name=profile.name,
            locale=profile.locale or "",
            tz=profile.tz,
            deleted=profile.deleted,
            is_bot=profile.is_bot,
        )
        async with self.ctx.uow() as uow:
            await uow.people.upsert(
                fresh,
                real_name=profile.real_name,
                slack_locale=profile.locale,
                now=self.ctx.now(),
                email=profile.email,
            )
            stored = await uow.people.get(user_id)
        assert stored is not None
        return stored[0]

    async def actor(self, user_id: str) -> Person:
        """The person acting now; an unknown actor still gets a (role-less) identity."""
        person = await self.person(user_id)
        return person or Person(user_id=user_id, name=user_id, locale="")

    async def resolve_owner(self, ref: UserRef, *, field: str | None = None) -> Person:
        """A mention or a name typed by a user, as a person who can own an item."""
        label = ref.name or ref.user_id or ""
        if ref.user_id:
            person = await self.person(ref.user_id)
            if person is None:
                raise DomainError("unknown_user", name=label, field=field)
        else:
            async with self.ctx.uow() as uow:
                matches = await uow.people.find_by_name(ref.name or "")
            if not matches:
                raise DomainError("unknown_user", name="@" + label, field=field)
            if len(matches) > 1:
                raise DomainError("ambiguous_user", name="@" + label, field=field)
            person = matches[0]
        if person.deleted:
            raise DomainError("user_deactivated", name=person.name, field=field)
        if person.is_bot:
            raise DomainError("owner_is_bot", name=person.name, field=field)
        return person

    async def set_language(self, user_id: str, locale: str) -> str:
        await self.actor(user_id)  # make sure the row exists
        async with self.ctx.uow() as uow:
            await uow.people.set_preferred_locale(user_id, locale)
        return locale

    async def apply_configured_roles(self) -> None:
        """Grant the roles named in DUBAN_LEADERS / DUBAN_SUPERVISORS / DUBAN_ADMINS (every start of serve,
        socket and demo). Idempotent; no Slack call, so a slow or unreachable Slack cannot delay the start."""
        settings = self.ctx.settings
        configured = {
            Role.LEADER: settings.leaders,
            Role.SUPERVISOR: settings.supervisors,
            Role.ADMIN: settings.admins,
        }
        async with self.ctx.uow() as uow:
            await uow.people.sync_configured_roles(configured, now=self.ctx.now())

    async def seed(
        self,
        roles: dict[Role, tuple[str, ...]],
        departments: list[tuple[Department, list[str]]] = (),  # type: ignore[assignment]
    ) -> None:
        """Grant configured roles at start (idempotent); departments come from the demo or an admin."""
        everyone = {user_id for ids in roles.values() for user_id in ids}
        everyone |= {user_id for _, members in departments for user_id in members}
        everyone |= {d.head_user_id for d, _ in departments if d.head_user_id}
        for user_id in sorted(everyone):
            await self.actor(user_id)
        async with self.ctx.uow() as uow:
            now = self.ctx.now()
            for role, user_ids in roles.items():
                for user_id in user_ids:
                    await uow.people.grant(user_id, role, by=None, now=now)
            for department, members in departments:
                stored = await uow.people.upsert_department(department)
                assert stored.id is not None
                for user_id in members:
                    await uow.people.add_member(stored.id, user_id)
                if department.head_user_id:
                    await uow.people.add_member(stored.id, department.head_user_id)
                    await uow.people.grant(department.head_user_id, Role.DEPT_HEAD, by=None, now=now)
