"""Who is who: Slack profiles cached in the database, roles, languages."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

from bot.domain.commands import UserRef
from bot.domain.errors import DomainError
from bot.domain.items import Role
from bot.domain.people import Department, Person, normalise_locale
from bot.domain.quiet_hours import QuietHours
from bot.domain.quiet_hours import stored as quiet_stored
from bot.domain.read_models import Reader
from bot.services.context import ServiceContext

PROFILE_MAX_AGE = timedelta(hours=24)
log = logging.getLogger(__name__)
# Who is acting, looked up once for a burst of requests: the handler's reader and the service's
# authorisation share it instead of each opening a transaction. An entry holds ACTOR_CACHE_S at most and
# never past a write to profiles, roles or departments in this process (``people_version`` of the units of
# work port: a role, department or language change is seen at once here; another replica sees it within
# ACTOR_CACHE_S).
ACTOR_CACHE_S = 2.0
ACTOR_CACHE_SIZE = 4096
REFRESH_RETRY_S = 600.0
FIRST_SEEN_WAIT_S = 0.8  # a first-seen user's profile, before their first reply (Slack's ack window is 3 s)


class PeopleService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._refreshing: dict[str, asyncio.Task[None]] = {}
        self._tried: dict[str, float] = {}
        self._actors: dict[str, tuple[float, int, Person]] = {}  # user -> (monotonic, version, person)

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

    async def person(self, user_id: str, *, refresh: bool = True) -> Person | None:
        """The cached person, refreshed from Slack when unknown or stale (outside any write transaction)."""
        async with self.ctx.read(small=True) as uow:
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
                profile_locale=profile.locale,
                now=self.ctx.now(),
                email=profile.email,
            )
            stored = await uow.people.get(user_id)
        assert stored is not None
        return stored[0]

    async def actor(self, user_id: str) -> Person:
        """The person acting now, from the database cache only: no Slack call before the ack. An unknown
        or stale profile is refreshed in the background; a first-seen user gets a placeholder row (so
        rows can refer to them) and the organisation's default language for this reply."""
        hit = self._actors.get(user_id)
        version = self.ctx.units.people_version()
        if hit is not None and hit[1] == version and time.monotonic() - hit[0] < ACTOR_CACHE_S:
            return hit[2]
        async with self.ctx.read(small=True) as uow:
            cached = await uow.people.get(user_id)
        if cached is None:
            cached = await self._first_seen(user_id)
        elif cached[1] is None and not cached[0].locale:
            # Known only by id (the organisation file, a mention): their language is not known yet.
            cached = await self._profile_now(user_id) or cached
        person, refreshed_at = cached or (Person(user_id=user_id, name=user_id, locale=""), None)
        if refreshed_at is None or self.ctx.now() - refreshed_at >= PROFILE_MAX_AGE:
            self.refresh_later(user_id)
        elif version == self.ctx.units.people_version():  # nothing was written meanwhile: keep it
            if len(self._actors) >= ACTOR_CACHE_SIZE:
                self._actors.clear()
            self._actors[user_id] = (time.monotonic(), version, person)
        return person

    async def _first_seen(self, user_id: str) -> tuple[Person, datetime | None] | None:
        """Someone the bot has never seen: give Slack a short moment for their profile (their language
        for this very first reply), then go on with a placeholder row rather than risk the ack."""
        async with self.ctx.uow() as uow:
            await uow.people.ensure_user(user_id)
        return await self._profile_now(user_id)

    async def _profile_now(self, user_id: str) -> tuple[Person, datetime | None] | None:
        """Give Slack a short moment for the profile of someone whose language is unknown (so the very
        first reply is in it); None when it does not come in time (or was tried a moment ago)."""
        self.refresh_later(user_id)
        task = self._refreshing.get(user_id)
        if task is None:
            return None
        await asyncio.wait({task}, timeout=FIRST_SEEN_WAIT_S)
        if not task.done():
            return None  # Slack is slow: the organisation's language this once, the profile comes later
        # Its own snapshot: a request's shared one predates the row.
        async with self.ctx.units.read(small=True) as uow:
            return await uow.people.get(user_id)

    def forget_actor(self, user_id: str) -> None:
        """Drop what is kept about ``user_id`` (after changing their roles or language)."""
        self._actors.pop(user_id, None)

    def refresh_later(self, user_id: str) -> None:
        """Fetch the Slack profile after the ack (one task per user at a time; after a failed or empty
        answer, not again for REFRESH_RETRY_S)."""
        if user_id in self._refreshing:
            return
        tried = self._tried.get(user_id)
        if tried is not None and time.monotonic() - tried < REFRESH_RETRY_S:
            return
        self._tried[user_id] = time.monotonic()
        task = asyncio.get_running_loop().create_task(self._refresh(user_id))
        self._refreshing[user_id] = task
        task.add_done_callback(lambda _t: self._refreshing.pop(user_id, None))

    async def _refresh(self, user_id: str) -> None:
        await asyncio.sleep(0)  # let the request that asked finish (and ack) first
        try:
            await self.person(user_id, refresh=True)
        except Exception as exc:  # Slack slow or down: the cache stays, the next request tries again
            log.warning("could not refresh the Slack profile of %s: %s", user_id, exc)

    async def stop_refreshing(self) -> None:
        """Shutdown: cancel profile fetches still waiting for Slack."""
        tasks = list(self._refreshing.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def settle(self) -> None:
        """Wait for background profile refreshes (tests, shutdown)."""
        while self._refreshing:
            await asyncio.gather(*list(self._refreshing.values()), return_exceptions=True)

    async def resolve_owner(self, ref: UserRef, *, field: str | None = None) -> Person:
        """A mention or a name typed by a user, as a person who can own an item."""
        label = ref.name or ref.user_id or ""
        if ref.user_id:
            async with self.ctx.read(small=True) as uow:
                cached = await uow.people.get(ref.user_id)
            if cached is not None:
                # Known here: no Slack call before the ack; a stale profile is refreshed after it.
                person, refreshed_at = cached
                if refreshed_at is None or self.ctx.now() - refreshed_at >= PROFILE_MAX_AGE:
                    self.refresh_later(ref.user_id)
            else:
                # Never seen: only Slack can say whether this person exists (and what they are called).
                found = await self.person(ref.user_id)
                if found is None:
                    raise DomainError("unknown_user", name=label, field=field)
                person = found
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
        async with self.ctx.uow() as uow:
            await uow.people.ensure_user(user_id)
            await uow.people.set_preferred_locale(user_id, locale)
        self.forget_actor(user_id)
        return locale

    async def set_quiet_hours(self, user_id: str, window: QuietHours | None) -> QuietHours | None:
        """Set (or with None clear) someone's quiet hours; urgings due inside them wait until they end."""
        async with self.ctx.uow() as uow:
            await uow.people.ensure_user(user_id)
            await uow.people.set_quiet_hours(user_id, str(window) if window else None)
        self.forget_actor(user_id)
        return window

    async def quiet_hours(self, user_id: str) -> QuietHours | None:
        # The request's actor already holds them (App Home read it for the reader): no second read.
        return quiet_stored((await self.actor(user_id)).quiet_hours)

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
            await self.person(user_id)
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
