"""归档 (dossier of a full item life) and 台账 (ledger export)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.domain.events import EventKind, ItemEvent
from storage.events import append_event
from storage.models import DossierRow, ItemRow, ReportRow, ReviewRow, UrgeRecordRow
from tests.e2e.conftest import World


async def _full_life(world: World) -> None:
    """Register, issue, acknowledge (through Slack), then urging, reports, review, instruction, completion."""
    await world.command("U0LEADER", "交办 <@U0HEADA> 修订<b>防汛</b>预案 截止 12月15日")
    [notice] = world.slack.dm("U0HEADA")
    await world.click("U0HEADA", notice, "item_ack")
    item = await world.item("DB-2026-0001")
    now = world.clock.now()
    steps = [
        (EventKind.URGED, "U0SUPER", {"detail": "checkin"}),
        (EventKind.URGE_ANSWERED, "U0HEADA", {}),
        (EventKind.CALL_LOGGED, "U0SUPER", {"detail": "电话催办"}),
        (EventKind.PROGRESS_REPORTED, "U0HEADA", {"detail": "50%"}),
        (EventKind.FINAL_REPORTED, "U0HEADA", {}),
        (EventKind.RETURNED, "U0SUPER", {"detail": "数据不全"}),
        (EventKind.FINAL_REPORTED, "U0HEADA", {}),
        (EventKind.REVIEWED, "U0SUPER", {}),
        (EventKind.THREAD_NOTE, "U0HEADA", {"detail": "补充材料已上传"}),
        (EventKind.COMPLETED, "U0SUPER", {}),
        (EventKind.INSTRUCTED, "U0LEADER", {"detail": "很好，继续巩固"}),
    ]
    async with world.runtime.sessions.begin() as session:
        for n, (kind, actor, payload) in enumerate(steps):
            at = now + timedelta(hours=n + 1)
            await append_event(
                session, item_id=item.id, kind=kind.value, at=at, actor_id=actor, payload=payload
            )
        session.add(
            UrgeRecordRow(
                item_id=item.id,
                rung="checkin",
                round=1,
                idem_key="u1",
                sent_at=now,
                recipient_id="U0HEADA",
                note="请报进展",
                answer="on_track",
                answered_at=now,
                created_at=now,
            )
        )
        report = ReportRow(
            item_id=item.id, author_id="U0HEADA", kind="final", done="预案已修订<script>", created_at=now
        )
        session.add(report)
        await session.flush()
        session.add(
            ReviewRow(
                item_id=item.id,
                report_id=report.id,
                reviewer_id="U0SUPER",
                decision="return",
                reasons="数据不全",
                created_at=now,
            )
        )
        await session.execute(
            update(ItemRow)
            .where(ItemRow.id == item.id)
            .values(state="completed", completed_at=now, return_count=1)
        )
    world.advance(days=1)
    assert ItemEvent  # the dossier is read back as ItemEvents


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

    row = await world.scalar(select(DossierRow).where(DossierRow.item_id == item.id))
    assert [e["kind"] for e in row.data["events"]] == kinds  # every event of the life, in order
    assert row.data["reports"][0]["done"] == "预案已修订<script>"
    assert row.data["urges"][0]["note"] == "请报进展" and row.data["reviews"][0]["decision"] == "return"
    json.dumps(row.data)  # the JSON twin is plain JSON
    html = row.html
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "<script>" not in html
    assert "&lt;script&gt;" in html and "修订&lt;b&gt;防汛&lt;/b&gt;预案" in html
    for kind in kinds:
        assert f"<td>{kind}</td>" in html
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
    assert "很好，继续巩固" in html and "补充材料已上传" in html and "李娜 (U0SUPER)" in html

    [upload] = [f for f in world.slack.files if f.completed]
    assert upload.filename == "DB-2026-0001-dossier.html" and upload.content.decode() == html
    assert upload.channels == ["D0SUPER"]  # the requester's DM

    # Archived items are read-only and say so.
    shown = await world.command("U0HEADA", "show 1")
    assert "已归档" in shown.message.all_text()
    again = await world.command("U0SUPER", "archive 1")
    assert "已于" in again.text and len([f for f in world.slack.files if f.completed]) == 2


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
    assert by_number["DB-2026-0001"][3] == "General Office" and by_number["DB-2026-0001"][12] == "overdue"
    assert by_number["DB-2026-0002"][2] == "Secret plan"  # leaders may see it
    staff = load_workbook(io.BytesIO(uploads[0].content)).active
    staff_rows = list(staff.iter_rows(values_only=True))
    assert staff_rows[0][0] == "编号" and {r[0] for r in staff_rows[1:]} == {"DB-2026-0001", "DB-2026-0003"}
