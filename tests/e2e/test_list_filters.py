"""``/duban list`` done by the database: filters that combine, confidential items hidden in SQL, an exact
total beyond 500, and "next 30" paging through the button."""

from __future__ import annotations

import re
from datetime import date

from bench.common import ItemBatch, insert_items, set_counter
from messages.replies import LIST_NEXT

from .conftest import World


def numbers(text: str) -> list[str]:
    return re.findall(r"DB-\d{4}-\d{4}", text)


async def test_filters_combine_in_both_languages(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 办公室的事 due 12-01")
    await world.command("U0LEADER", "assign <@U0HEADB> 改革的事 due 12-01")
    await world.command("U0LEADER", "assign <@U0STAFFB> 防汛预案 due 12-31")
    await world.command("U0LEADER", "assign <@U0HEADB> 机密事项 due 12-01 confidential")
    world.advance(days=10)  # the first, second and fourth are now overdue

    zh = await world.command("U0LEADER", "列表 逾期 单位 发展改革科")
    assert sorted(numbers(zh.message.all_text())) == ["DB-2026-0002", "DB-2026-0004"]
    en = await world.command("U0DEPUTY", "list unit 发展改革科 overdue")
    assert sorted(numbers(en.message.all_text())) == ["DB-2026-0002", "DB-2026-0004"]
    word = await world.command("U0LEADER", '列表 单位 发展改革科 "防汛"')
    assert numbers(word.message.all_text()) == ["DB-2026-0003"]
    unknown = await world.command("U0LEADER", "list unit 不存在科")
    assert "不存在科" in unknown.text and not numbers(unknown.text)

    # A member of the unit sees only what they take part in; the confidential item is never listed.
    staff = await world.command("U0STAFFB", "list all")
    assert numbers(staff.message.all_text()) == ["DB-2026-0003"]
    office = await world.command("U0HEADA", "list overdue")
    assert "DB-2026-0004" not in numbers(office.message.all_text())


async def test_exact_total_and_next_30(world: World) -> None:
    await insert_items(
        world.runtime.engine,
        ItemBatch(first_seq=1, count=520, owners=("U0HEADA",), due=date(2026, 12, 1), due_spread_days=20),
    )
    await set_counter(world.runtime.engine, 2026, 520)
    first = await world.command("U0HEADA", "list")
    text = first.message.all_text()
    assert len(numbers(text)) == 30 and "520" in text  # the total is exact, not capped at 500
    seen = set(numbers(text))
    page = first.message
    for _ in range(2):
        await world.click("U0HEADA", page, LIST_NEXT)
        page = world.slack.ephemerals("U0HEADA")[-1]
        now = numbers(page.all_text())
        assert len(now) == 30 and not seen & set(now)
        seen |= set(now)
    assert len(seen) == 90
