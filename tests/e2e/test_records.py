"""归档 (dossier of a full item life) and 台账 (ledger export)."""

from __future__ import annotations

import io
import json
import zipfile

from openpyxl import load_workbook
from sqlalchemy import select

from messages import urging as urge_msg
from messages.i18n import tp
from messages.notices import ACK, REPORT
from messages.reports import INSTRUCT, REVIEW
from storage.models import DossierRow, ReportRow
from tests.e2e.conftest import World
from tests.e2e.test_reports import ALL_CHECKS, FINAL, PROGRESS, dm_with, open_form, report, submit

# What the life below must leave in the dossier, in this order (other events may come in between).
LIFE = [
    "registered",
    "issued",
    "acknowledged",
    "urged",
    "urge_answered",
    "progress_reported",
    "final_reported",
    "reviewed",
    "returned",
    "final_reported",
    "reviewed",
    "completed",
    "instructed",
    "thread_note",
    "final_reported",
    "reviewed",
    "completed",
    "archived",
]


def dossier_event_name(locale: str, kind: str) -> str:
    return tp(locale, f"dossier_event.{kind}")


def _in_order(expected: list[str], kinds: list[str]) -> bool:
    """Every expected kind occurs in ``kinds``, in this order."""
    remaining = iter(kinds)
    return all(kind in remaining for kind in expected)


async def _review(world: World, supervisor: str, values: dict[str, object]) -> None:
    view = await open_form(world, supervisor, dm_with(world, supervisor, REVIEW), REVIEW)
    assert await submit(world, supervisor, view, values) == {}


async def _full_life(world: World) -> None:
    """The whole life of an item through the real surface: commands, clicks, forms, the clock, a thread."""
    await world.command("U0LEADER", "交办 <@U0HEADA> 修订<b>防汛</b>预案 截止 12月15日")
    [notice] = world.slack.dm("U0HEADA")
    await world.click("U0HEADA", notice, ACK)

    # Urging on the clock: the routine check-in comes, the owner answers it with one click.
    def checkin() -> list:  # type: ignore[type-arg]
        return [
            m
            for m in world.slack.dm("U0HEADA")
            if urge_msg.ANSWER_IDS["on_track"] in [b.action_id for b in m.buttons()]
        ]

    await world.run_until(lambda: checkin())
    await world.click("U0HEADA", checkin()[0], urge_msg.ANSWER_IDS["on_track"])

    # Reports through the form; the office returns the first final report, approves the second.
    await report(world, "U0HEADA", PROGRESS, notice)
    await report(world, "U0HEADA", {**FINAL, "done": "预案已修订<script>"}, notice)
    await _review(world, "U0SUPER", {"decision": "return", "reasons": "数据不全", "new_due": "2026-12-20"})
    await report(world, "U0HEADA", {**FINAL, "done": "补充了各乡镇数据"}, dm_with(world, "U0HEADA", REPORT))
    await _review(world, "U0SUPER", {"decision": "approve", "checklist": ALL_CHECKS})
    assert (await world.item("DB-2026-0001")).state == "completed"

    # The leader's instruction (批示) continues the item.
    view = await open_form(world, "U0LEADER", dm_with(world, "U0LEADER", INSTRUCT), INSTRUCT)
    assert await submit(world, "U0LEADER", view, {"text": "很好，继续巩固", "new_due": "2026-12-31"}) == {}
    assert (await world.item("DB-2026-0001")).state == "in_progress"

    # A reply in the notice's thread becomes a note.
    await world.slack.reply_in_thread("U0HEADA", notice.channel, notice.ts, "补充材料已上传")
    await world.deliver()

    # Final report and approval once more, then it can be archived.
    await report(world, "U0HEADA", {**FINAL, "done": "已组织巩固"}, dm_with(world, "U0HEADA", REPORT))
    await _review(world, "U0SUPER", {"decision": "approve", "checklist": ALL_CHECKS})
    assert (await world.item("DB-2026-0001")).state == "completed"
    world.advance(days=1)


def _dossiers(world: World) -> list:  # type: ignore[type-arg]
    return [f for f in world.slack.files if f.completed and f.filename.endswith("-dossier.html")]


async def test_archive_produces_the_dossier_with_every_event(world: World) -> None:
    await _full_life(world)
    refused = await world.command("U0HEADA", "archive 1")
    assert refused.text.startswith(":warning:")

    reply = await world.command("U0SUPER", "归档 1")
    assert "已归档" in reply.text
    item = await world.item("DB-2026-0001")
    assert item.state == "archived" and item.archived_at is not None
    kinds = await world.events("DB-2026-0001")
    assert kinds[-1] == "archived"
    assert _in_order(LIFE, kinds), kinds

    row = await world.scalar(select(DossierRow).where(DossierRow.item_id == item.id))
    assert [e["kind"] for e in row.data["events"]] == kinds  # every event of the life, in order
    assert _in_order(LIFE, [e["kind"] for e in row.data["events"]])
    reports = await world.rows(select(ReportRow).where(ReportRow.item_id == item.id).order_by(ReportRow.id))
    assert [r.kind for r in reports] == ["progress", "final", "final", "note", "final"]
    assert [r["kind"] for r in row.data["reports"]] == [r.kind for r in reports]
    assert row.data["reports"][1]["done"] == "预案已修订<script>"
    assert row.data["reports"][3]["done"] == "补充材料已上传"
    assert [r["decision"] for r in row.data["reviews"]] == ["return", "approve", "approve"]
    assert row.data["reviews"][0]["reasons"] == "数据不全"
    urges = row.data["urges"]
    assert urges and urges[0]["rung"] == "checkin" and urges[0]["answer"] == "on_track"
    json.dumps(row.data)  # the JSON twin is plain JSON
    html = row.html
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "<script>" not in html
    assert "&lt;script&gt;" in html and "修订&lt;b&gt;防汛&lt;/b&gt;预案" in html
    for kind in set(kinds):  # every event by its name in the reader's language, never its code
        assert dossier_event_name("zh", kind) in html, kind
    assert "{&quot;" not in html and '{"' not in html  # no raw JSON
    for heading in (
        "立项登记",
        "督查通知",
        "催办记录",
        "反馈报告",
        "审核意见",
        "领导批示",
        "过程记录",
        "签办轨迹",
    ):
        assert heading in html
    steps = ("完成初稿", "数据不全", "补充了各乡镇数据", "很好，继续巩固", "补充材料已上传", "已组织巩固")
    for step in steps:
        assert step in html, step
    assert "李娜" in html and "王建国" in html and "张伟" in html
    assert "U0SUPER" not in html and "U0LEADER" not in html and "U0HEADA" not in html  # names, not ids

    [upload] = _dossiers(world)
    assert upload.filename == "DB-2026-0001-dossier.html" and upload.content.decode() == html
    assert upload.channels == ["D0SUPER"]  # the requester's DM

    # Archived items are read-only and say so.
    shown = await world.command("U0HEADA", "show 1")
    assert "已归档" in shown.message.all_text()
    again = await world.command("U0SUPER", "archive 1")
    assert "已于" in again.text and len(_dossiers(world)) == 2


async def test_only_finished_items_can_be_archived(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> Open work due 12-15")
    reply = await world.command("U0SUPER", "archive 1")
    assert reply.text.startswith(":warning:")
    assert (await world.item("DB-2026-0001")).state == "issued"


async def test_export_ledger_as_xlsx(world: World) -> None:
    await world.command("U0LEADER", "assign <@U0HEADA> 防汛检查 due 11-27")
    await world.command("U0LEADER", "assign <@U0HEADB> Secret plan due 12-20 confidential")
    await world.command("U0LEADER", "assign <@U0STAFFA> Other work due 12-10")
    world.advance(days=2)

    reply = await world.command("U0HEADA", "导出")
    assert "2 项" in reply.text  # the secret item is not listed for ordinary staff
    reply = await world.command("U0DEPUTY", "export month")
    assert "3 items" in reply.text
    uploads = [f for f in world.slack.files if f.completed]
    assert len(uploads) == 2
    sheet = load_workbook(io.BytesIO(uploads[-1].content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number" and len(rows) == 4
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["DB-2026-0001"][2] == "防汛检查"
    assert by_number["DB-2026-0001"][4] == "General Office" and by_number["DB-2026-0001"][13] == "overdue"
    assert by_number["DB-2026-0002"][2] == "Secret plan"  # leaders may see it
    assert rows[0][3] == "Classification"  # 密级
    assert by_number["DB-2026-0002"][3] == "Confidential"
    assert by_number["DB-2026-0001"][3] == "Not confidential"
    staff = load_workbook(io.BytesIO(uploads[0].content)).active
    staff_rows = list(staff.iter_rows(values_only=True))
    assert staff_rows[0][0] == "编号" and {r[0] for r in staff_rows[1:]} == {"DB-2026-0001", "DB-2026-0003"}


async def test_ledger_keeps_formula_like_titles_as_text_and_names_the_owners(world: World) -> None:
    title = '=HYPERLINK("http://x")'
    await world.command("U0LEADER", f"assign <@U0HEADA> <@U0STAFFA> {title} due 12-15")
    await world.command("U0LEADER", "assign <@U0HEADB> +SUM(A1) 预算复核 due 12-16")
    assert (await world.item("DB-2026-0001")).title == title
    reply = await world.command("U0DEPUTY", "export")
    assert "2 items" in reply.text
    [upload] = [f for f in world.slack.files if f.completed]
    sheet = load_workbook(io.BytesIO(upload.content)).active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    first, second = rows["DB-2026-0001"], rows["DB-2026-0002"]
    assert (first[2].value, first[2].data_type) == (title, "s")  # text, not a formula
    assert first[2].quotePrefix and second[2].quotePrefix
    assert second[2].value == "+SUM(A1) 预算复核" and second[2].data_type == "s"
    assert first[5].value == "张伟, 刘洋"  # owners by name, lead first — not Slack ids
    sheet_xml = zipfile.ZipFile(io.BytesIO(upload.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml
