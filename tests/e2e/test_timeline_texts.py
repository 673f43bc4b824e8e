"""What was said is readable while the item is open (issue 12 §6), and the wording of show (§8)."""

from __future__ import annotations

from bot.emulator.blocks import text_of_blocks
from messages.timeline import TIMELINE_MORE
from tests.e2e.conftest import World
from tests.e2e.test_reports import FINAL, PROGRESS, report, review

LONG = "各乡镇排查河道堤防隐患共计一百二十处，" * 12 + "全文到此结束"


async def test_show_carries_each_entrys_text_and_more_opens_the_whole(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 修订防汛应急预案 due 12-15")
    await report(world, "U0HEADA", {**PROGRESS, "done": LONG, "problems": "两个科室材料未报"})
    await report(world, "U0HEADA", FINAL, world.slack.dm("U0HEADA")[0])
    returned = {"decision": "return", "reasons": "缺少各乡镇数据", "new_due": "2026-12-20"}
    assert await review(world, "U0SUPER", "1", returned) == {}

    card = (await world.command("U0SUPER", "show 1")).message
    assert card is not None
    text = card.all_text()
    assert "各乡镇排查河道堤防隐患" in text  # the report's words, not only "反馈进展"
    assert "全文到此结束" not in text  # clipped ...
    assert "缺少各乡镇数据" in text  # the return reason

    # ... with a "more" that opens the whole in a modal.
    assert TIMELINE_MORE in [b.action_id for b in card.buttons()]
    await world.click("U0SUPER", card, TIMELINE_MORE)
    view = world.slack.open_view("U0SUPER")
    assert view is not None
    whole = text_of_blocks(view.blocks)
    assert "全文到此结束" in whole and "两个科室材料未报" in whole


async def test_a_sub_items_card_names_its_parent_and_the_light_has_a_label(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 年度重点工作 due 12-31")
    await world.command("U0LEADER", "assign <@U0STAFFA> 第一季度任务 due 11-26 parent 1")
    world.advance(days=4)  # Monday 30 November: the sub-item is 4 days overdue
    card = (await world.command("U0LEADER", "show 2")).message
    assert card is not None
    text = card.all_text()
    assert "所属事项：*DB-2026-0001* 年度重点工作" in text
    assert ":red_circle: 逾期 4 天" in text
    english = (await world.command("U0DEPUTY", "show 2")).message
    assert english is not None and ":red_circle: 4 days overdue" in english.all_text()
    assert "Part of *DB-2026-0001*" in english.all_text()


async def test_thread_notes_extension_reasons_and_call_summaries_read_in_show_and_app_home(
    world: World,
) -> None:
    from messages.notices import OPEN

    await world.command("U0LEADER", "assign <@U0HEADA> 修订防汛应急预案 due 12-15")
    [notice] = world.slack.dm("U0HEADA")
    await world.slack.reply_in_thread("U0HEADA", notice.channel, notice.ts, "堤防图纸已交水利局复核")
    await world.command("U0HEADA", "延期 1 2026-12-22 等待水利局复核意见")
    await world.command("U0SUPER", "电话 1")
    view = world.slack.open_view("U0SUPER")
    assert view is not None
    call = {"callee": "U0HEADA", "call_date": "2026-11-26", "call_time": "15:10", "answered_by": "张伟本人"}
    await world.slack.submit("U0SUPER", view, {**call, "summary": "已布置周五前报初稿"})
    await world.deliver()

    said = ("堤防图纸已交水利局复核", "等待水利局复核意见", "已布置周五前报初稿")
    card = (await world.command("U0SUPER", "show 1")).message
    assert card is not None
    assert [s for s in said if s not in card.all_text()] == []
    # App Home's Open gives the same card, words included.
    await world.slack.open_home("U0HEADA")
    await world.slack.settle()
    home = world.slack.home("U0HEADA")
    assert home is not None
    await world.slack.click_in_view("U0HEADA", home, OPEN)
    await world.slack.settle()
    await world.deliver()
    opened = world.slack.dm("U0HEADA")[-1].all_text()
    assert "DB-2026-0001" in opened and [s for s in said if s not in opened] == []
