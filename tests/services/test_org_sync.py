"""Departments that follow a user group (OrganisationService.sync_usergroups) on the fake directory."""

from __future__ import annotations

from bot.domain.organisation import parse_org_file
from tests.services.conftest import WANG, ZHANG, Office

CHEN = "U_CHEN"

ORG = """
[[department]]
code = "plan"
name = "规划处"
usergroup = "S0PLAN"
"""


async def test_a_department_follows_its_user_group_and_a_refusing_directory_changes_nothing(
    office: Office,
) -> None:
    await office.services.org.apply(parse_org_file(ORG))
    plan = next(d for d in office.tables.departments.values() if d.code == "plan")

    def members() -> set[str]:
        return {uid for d, uid in office.tables.members if d == plan.id}

    office.directory.groups["S0PLAN"] = [WANG, ZHANG]  # Zhang is in Finance already: he stays there
    assert await office.services.org.sync_usergroups(force=True) == 1
    assert members() == {WANG}

    office.directory.groups["S0PLAN"] = [WANG, CHEN]
    office.directory.refusing = True  # the platform refuses: logged, tried again at the next sweep
    assert await office.services.org.sync_usergroups(force=True) == 0
    assert members() == {WANG}

    office.directory.refusing = False
    assert await office.services.org.sync_usergroups(force=True) == 1
    assert members() == {WANG, CHEN}
