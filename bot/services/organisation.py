"""The organisation file (DUBAN_ORG_FILE), applied at every start, and departments that follow a Slack
user group (synced by the sweep)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.errors import DirectoryUnavailable
from bot.domain.organisation import Organisation, OrgFileError, parse_org_file
from bot.services.context import ServiceContext

log = logging.getLogger("duban.org")
USERGROUP_SYNC_EVERY = timedelta(minutes=10)  # usergroups.users.list is Tier 2 (20+/min): plenty


def load_org_file(path: str | Path) -> Organisation:
    """Read and parse the file; ``OrgFileError`` (one line, the file named) on any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OrgFileError(f"organisation file {path}: cannot be read ({exc.__class__.__name__})") from None
    try:
        return parse_org_file(text)
    except OrgFileError as error:
        raise OrgFileError(f"organisation file {path}: {error}") from None


def org_file_problem(path: Path) -> str | None:
    """For ``duban doctor``: the one-line problem, or None when the file is valid."""
    try:
        load_org_file(path)
    except OrgFileError as error:
        return str(error)
    return None


class OrganisationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._usergroups_synced_at: datetime | None = None

    async def apply(self, org: Organisation) -> None:
        """Make the departments the file's (added, changed, removed), heads holding dept_head."""
        async with self.ctx.uow() as uow:
            changes = await uow.org.apply_file(org, now=self.ctx.now())
        if changes.added or changes.changed or changes.removed:
            log.info(
                "organisation file applied: added %s, changed %s, removed %s",
                ",".join(changes.added) or "-",
                ",".join(changes.changed) or "-",
                ",".join(changes.removed) or "-",
            )
        self._usergroups_synced_at = None  # follow the groups again soon

    async def sync_usergroups(self, *, force: bool = False) -> int:
        """Members of departments that follow a Slack user group (at most every 10 minutes; a failure
        is logged and tried again at the next sweep). Returns the number of departments changed."""
        now = self.ctx.now()
        last = self._usergroups_synced_at
        if not force and last is not None and now - last < USERGROUP_SYNC_EVERY:
            return 0
        async with self.ctx.uow() as uow:
            following = [(d.id, d.code, d.usergroup) for d in await uow.org.departments() if d.usergroup]
        if not following:
            self._usergroups_synced_at = now
            return 0
        changed = 0
        for department_id, code, usergroup in following:
            assert department_id is not None and usergroup is not None
            try:
                members = await self.ctx.directory.usergroup_members(usergroup)
            except (DirectoryUnavailable, OSError, TimeoutError) as exc:
                log.warning("could not read user group %s of department %s: %s", usergroup, code, exc)
                return changed  # try again at the next sweep
            if members is None:
                log.warning("department %s follows user group %s, which Slack does not know", code, usergroup)
                continue
            async with self.ctx.uow() as uow:
                changed += bool(await uow.org.sync_usergroup(department_id, members, now=now))
        self._usergroups_synced_at = now
        return changed
