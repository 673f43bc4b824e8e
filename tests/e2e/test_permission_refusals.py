"""The permissions table seen from Slack: a refused person gets the localised refusal, nothing is written.

The cells themselves are in tests/unit/test_permissions_matrix.py; these run a few through the whole
bot (signed request → service → ``require()`` → localised ephemeral answer) and count the rows after.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import ItemEventRow, OutboxRow, UrgeRecordRow
from tests.e2e.conftest import World

TITLE = "XJ机密干部方案"


async def _counts(world: World) -> tuple[int, int, int]:
    return (
        int(await world.scalar(select(func.count()).select_from(ItemEventRow))),
        int(await world.scalar(select(func.count()).select_from(OutboxRow))),
        int(await world.scalar(select(func.count()).select_from(UrgeRecordRow))),
    )


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        # Urging is for leaders and the office; the admin role alone is not enough (see permissions).
        ("U0STAFFB2", "urge 1", "Only leaders or supervisors may urge items"),
        ("U0HEADA", "催办 2", "只有领导 / 督查人员可以催办"),
        ("U0HEADB", "archive 1", "Only supervisors or admins may archive"),
        ("U0STAFFA", "批示 1 抓紧办理", "只有领导可以作出批示"),
        ("U0HEADB", "bulletin week post", "Only leaders or supervisors may"),
        ("U0DEPUTY", "holiday 2026-12-01 off", "admin"),
        # A confidential item of another department does not exist for a head who is not part of it.
        ("U0HEADB", "show 2", "DB-2026-0002"),
        ("U0HEADB", "urge 2", "Only leaders or supervisors may urge items"),
    ],
)
async def test_a_refused_user_is_told_why_and_nothing_is_written(
    world: World, user: str, text: str, expected: str
) -> None:
    await world.command("U0LEADER", "assign <@U0STAFFA> 防汛检查 due 2026-12-15")
    await world.command("U0LEADER", f"assign <@U0STAFFA> {TITLE} due 2026-12-15 confidential")
    before = await _counts(world)
    reply = await world.command(user, text)
    assert reply.status == 200
    assert expected in reply.text, reply.text
    assert reply.text.startswith(":warning:")
    assert TITLE not in reply.text
    assert await _counts(world) == before


async def test_a_department_head_sees_a_confidential_item_only_by_number(world: World) -> None:
    await world.command("U0LEADER", f"assign <@U0STAFFA> {TITLE} due 2026-12-15 confidential")
    shown = await world.command("U0HEADA", "show 1")
    assert shown.text.startswith(":warning:") and TITLE not in shown.text
    listed = await world.command("U0HEADA", "list all")
    assert TITLE not in (listed.text + (listed.message.all_text() if listed.message else ""))
