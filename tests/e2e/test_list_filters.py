"""``/duban list`` done by the database: filters that combine, confidential items hidden in SQL, an exact
total beyond 500, and "next 30" paging through the button."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

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


SH = ZoneInfo("Asia/Shanghai")


async def test_filters_combine_on_a_clock_in_2027_across_the_spring_festival(world: World) -> None:
    """2027 is computed (5–10 February off for the festival, no published 调休): a deadline of two working
    days from Wednesday 3 February is Thursday 11 February, so it is not overdue during the festival."""
    world.clock.set(datetime(2027, 2, 3, 10, tzinfo=SH))
    await world.command("U0LEADER", "assign <@U0HEADB> 改革的事 due 2wd")  # 0001
    await world.command("U0LEADER", "assign <@U0HEADB> 机密事项 due 2027-02-05 confidential")  # 0002
    await world.command("U0LEADER", "assign <@U0HEADA> 办公室的事 due 2027-02-04")  # 0003
    await world.command("U0LEADER", "assign <@U0HEADB> 防汛预案 due 2027-03-31")  # 0004
    assert (await world.item("DB-2027-0001")).current_due == date(2027, 2, 11)

    world.clock.set(datetime(2027, 2, 9, 10, tzinfo=SH))  # Tuesday, in the festival
    zh = await world.command("U0LEADER", "列表 逾期 单位 发展改革科")
    assert numbers(zh.message.all_text()) == ["DB-2027-0002"]
    assert "已逾期 4 天" in zh.message.all_text()  # calendar days past 5 February
    everyone = await world.command("U0LEADER", "列表 逾期")
    assert sorted(numbers(everyone.message.all_text())) == ["DB-2027-0002", "DB-2027-0003"]
    office = await world.command("U0HEADA", "list overdue")  # not a participant of the confidential one
    assert numbers(office.message.all_text()) == ["DB-2027-0003"]

    world.clock.set(datetime(2027, 2, 12, 10, tzinfo=SH))  # the day after the two working days
    # Someone else's list, asked by a department head: the confidential item stays out.
    theirs = await world.command("U0HEADA", "list <@U0HEADB> overdue")
    assert numbers(theirs.message.all_text()) == ["DB-2027-0001"]
    en = await world.command("U0DEPUTY", "list unit 发展改革科 overdue 2027-02")
    assert sorted(numbers(en.message.all_text())) == ["DB-2027-0001", "DB-2027-0002"]
    month = await world.command("U0LEADER", "列表 单位 发展改革科 本月")
    assert sorted(numbers(month.message.all_text())) == ["DB-2027-0001", "DB-2027-0002"]
    quarter = await world.command("U0LEADER", '列表 本季度 单位 发展改革科 "防汛"')
    assert numbers(quarter.message.all_text()) == ["DB-2027-0004"]
    march = await world.command("U0LEADER", "list 2027-03 overdue")
    assert not numbers(march.message.all_text())
    staff = await world.command("U0STAFFB", "list all")  # takes part in none of them
    assert not numbers(staff.message.all_text())


async def test_exact_total_and_next_30_of_a_filtered_list_in_2027(world: World) -> None:
    world.clock.set(datetime(2027, 3, 15, 10, tzinfo=SH))
    overdue = ItemBatch(
        first_seq=1, count=45, owners=("U0HEADA",), year=2027, due=date(2027, 2, 1), due_spread_days=40
    )  # due 1 February to 12 March: all overdue on 15 March
    await insert_items(world.runtime.engine, overdue)
    later = ItemBatch(first_seq=46, count=5, owners=("U0HEADA",), year=2027, due=date(2027, 3, 31))
    await insert_items(world.runtime.engine, later)
    await set_counter(world.runtime.engine, 2027, 50)

    first = await world.command("U0HEADA", "列表 逾期 本年")
    text = first.message.all_text()
    assert len(numbers(text)) == 30 and "第 1–30 项，共 45 项" in text, text
    await world.click("U0HEADA", first.message, LIST_NEXT)
    page = world.slack.ephemerals("U0HEADA")[-1]
    rest = numbers(page.all_text())
    assert len(rest) == 15 and "第 31–45 项，共 45 项" in page.all_text()
    assert "筛选：逾期 本年" in page.all_text()  # the next page keeps the filter
    assert LIST_NEXT not in repr(page.blocks)  # the last page
    assert sorted(numbers(text) + rest) == [f"DB-2027-{n:04d}" for n in range(1, 46)]
