"""佐证材料: files an owner shares in the item's thread, files and links in the report form are kept as
evidence (name + link), listed in ``show``; files shared elsewhere or by others are not."""

from __future__ import annotations

from sqlalchemy import select

from messages.notices import REPORT
from messages.reports import REVIEW
from storage.models import DossierRow, ItemEventRow
from tests.e2e.conftest import World
from tests.e2e.test_reports import ALL_CHECKS, FINAL, dm_with, open_form, report, submit


async def _evidence(world: World) -> list[ItemEventRow]:
    return await world.rows(
        select(ItemEventRow).where(ItemEventRow.kind == "evidence_attached").order_by(ItemEventRow.id)
    )


async def test_files_shared_in_the_items_thread_are_evidence(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 堤防加固 截止 12月20日")
    [notice] = world.slack.dm("U0HEADA")
    await world.slack.reply_in_thread(
        "U0HEADA", notice.channel, notice.ts, "验收材料见附件", file_names=("验收报告.pdf", "现场照片.jpg")
    )
    await world.deliver()
    [event] = await _evidence(world)
    assert event.actor_id == "U0HEADA" and event.payload["source"] == "thread"
    names = [f["name"] for f in event.payload["files"]]
    assert names == ["验收报告.pdf", "现场照片.jpg"]
    assert all(f["permalink"].startswith("https://") for f in event.payload["files"])
    assert "thread_note" in await world.events("DB-2026-0001")
    shown = (await world.command("U0SUPER", "show 1")).message.all_text()
    assert "提交佐证材料" in shown and "验收报告.pdf" in shown

    # A file alone (no words) still counts.
    await world.slack.reply_in_thread("U0HEADA", notice.channel, notice.ts, "", file_names=("补充.xlsx",))
    await world.deliver()
    assert len(await _evidence(world)) == 2


async def test_links_in_the_report_form_are_evidence(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 堤防加固 截止 12月20日")
    links = "验收报告 https://docs.example.gov.cn/ys/2026-12.pdf\n会议照片：https://pan.example.cn/s/abc123\n见纸质件"
    await report(world, "U0HEADA", {**FINAL, "links": links})
    [event] = await _evidence(world)
    assert event.payload["source"] == "report" and event.payload["report_id"]
    assert event.payload["files"] == [
        {"name": "验收报告", "permalink": "https://docs.example.gov.cn/ys/2026-12.pdf"},
        {"name": "会议照片", "permalink": "https://pan.example.cn/s/abc123"},
    ]


async def test_a_confidential_items_evidence_reaches_only_the_cleared(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0STAFFA> XJ干部调整方案 截止 12月20日 保密")
    [notice] = world.slack.dm("U0STAFFA")
    await world.slack.reply_in_thread(
        "U0STAFFA", notice.channel, notice.ts, "见附件", file_names=("XJ名单.xlsx",)
    )
    await world.deliver()
    assert len(await _evidence(world)) == 1
    cleared = (await world.command("U0SUPER", "show 1")).message.all_text()
    assert "XJ名单.xlsx" in cleared
    head = await world.command("U0HEADA", "show 1")  # the lead's department head: not cleared
    seen = head.text + (head.message.all_text() if head.message else "")
    assert "XJ" not in seen


async def test_files_attached_in_the_report_form_are_evidence(world: World) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 堤防加固 截止 12月20日")
    view = await open_form(world, "U0HEADA", dm_with(world, "U0HEADA", REPORT), REPORT)
    [file_input] = [b["element"] for b in view.blocks if b["type"] == "input" and b["block_id"] == "files"]
    assert file_input["type"] == "file_input" and 1 <= file_input["max_files"] <= 10
    values = {
        **FINAL,
        "files": ["验收报告.pdf", "现场照片.jpg"],
        "links": "会议纪要 https://docs.example.cn/jy.pdf",
    }
    assert await submit(world, "U0HEADA", view, values) == {}
    [event] = await _evidence(world)
    assert event.actor_id == "U0HEADA" and event.payload["source"] == "report"
    files = event.payload["files"]
    assert [f["name"] for f in files] == ["验收报告.pdf", "现场照片.jpg", "会议纪要"]
    assert all(f["permalink"].startswith("https://") for f in files)
    shown = (await world.command("U0SUPER", "show 1")).message.all_text()
    for f in files:  # each by name, linked, however long the links
        assert f"<{f['permalink']}|{f['name']}>" in shown, f

    # The dossier lists each file by name, linked.
    review = await open_form(world, "U0SUPER", dm_with(world, "U0SUPER", REVIEW), REVIEW)
    assert await submit(world, "U0SUPER", review, {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    await world.command("U0SUPER", "归档 1")
    html = (await world.scalar(select(DossierRow))).html
    for f in files:
        assert f"<a href='{f['permalink']}'>{f['name']}</a>" in html, f
