"""Register fields (登记要素, S1/S5): 收文日期, 文号 and 立项依据 through the command, the form, the
ledger import and export, and "registered the same day" measured from the received date."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from storage.models import ItemEventRow
from tests.e2e.conftest import World
from tests.e2e.test_ledger_import import _import
from tests.e2e.test_modal_and_delivery import VALID


async def test_the_command_takes_received_date_document_number_and_basis(world: World) -> None:
    reply = await world.command(
        "U0LEADER",
        "交办 <@U0HEADA> 修订防汛预案 截止 12月15日 收文 11月24日 "
        "文号 县防指〔2026〕8号 依据 县防指第3次会议纪要",
    )
    assert not reply.text.startswith(":warning:"), reply.text
    item = await world.item("DB-2026-0001")
    assert (item.title, item.received_on, item.doc_number, item.basis) == (
        "修订防汛预案",
        date(2026, 11, 24),
        "县防指〔2026〕8号",
        "县防指第3次会议纪要",
    )
    [registered] = await world.rows(
        select(ItemEventRow).where(ItemEventRow.item_id == item.id, ItemEventRow.kind == "registered")
    )
    assert registered.payload["received_on"] == "2026-11-24"
    assert registered.payload["doc_number"] == "县防指〔2026〕8号"
    shown = (await world.command("U0LEADER", "show 1")).message.all_text()
    assert "收文日期 2026年11月24日" in shown and "文号 县防指〔2026〕8号" in shown


async def test_a_received_date_after_today_or_unreadable_is_refused_in_the_readers_language(
    world: World,
) -> None:
    reply = await world.command("U0LEADER", "交办 <@U0HEADA> 防汛检查 截止 12月15日 收文 11月30日")
    assert reply.text.startswith(":warning:") and "收文日期 2026-11-30 晚于今天" in reply.text
    reply = await world.command("U0DEPUTY", "assign <@U0HEADA> Flood check due 12-15 received someday")
    assert "not a received date" in reply.text
    assert await world.item_count() == 0


async def test_the_form_takes_the_register_fields_and_shows_a_future_received_date_on_its_field(
    world: World,
) -> None:
    await world.command("U0SUPER", "new")
    view = world.slack.open_view("U0SUPER")
    assert view is not None
    await world.slack.submit("U0SUPER", view, {**VALID, "received": "2026-11-27"})
    errors = world.slack.last_view_errors("U0SUPER")
    assert set(errors) == {"received"} and "晚于今天" in errors["received"]
    assert await world.item_count() == 0
    values = {
        **VALID,
        "received": "2026-11-25",
        "doc_number": "督办〔2026〕3号",
        "basis": "县委常委会议定事项",
    }
    await world.slack.submit("U0SUPER", view, values)
    await world.deliver()
    item = await world.item("DB-2026-0001")
    assert (item.received_on, item.doc_number, item.basis) == (
        date(2026, 11, 25),
        "督办〔2026〕3号",
        "县委常委会议定事项",
    )


async def test_import_reads_and_export_writes_the_register_fields(world: World, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "督查事由", "主办人", "交办日期", "办理时限", "收文日期", "文号", "立项依据"])
    sheet.append(
        [
            "DB-2026-0012",
            "修订防汛应急预案",
            "U0HEADA",
            "2026-10-09",
            "2026-12-20",
            "2026-10-08",
            "县政办〔2026〕45号",
            "县政府常务会议纪要",
        ]
    )
    sheet.append(
        ["DB-2026-0013", "收文日期写在将来", "U0HEADA", "2026-10-09", "2026-12-20", "2026-12-08", "", ""]
    )
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    code, output = await _import(world, path, dry_run=True)
    assert code != 0 and "收文日期 2026-12-08 晚于今天" in output
    book = load_workbook(path)
    book.active.delete_rows(3)  # type: ignore[union-attr]
    book.save(path)
    code, output = await _import(world, path, dry_run=False)
    assert code == 0, output
    item = await world.item("DB-2026-0012")
    assert (item.received_on, item.doc_number, item.basis) == (
        date(2026, 10, 8),
        "县政办〔2026〕45号",
        "县政府常务会议纪要",
    )

    await world.command(
        "U0LEADER", "交办 <@U0HEADB> 保密事项 截止 12月20日 保密 文号 密〔2026〕1号 依据 内部通知"
    )
    await world.command("U0DEPUTY", "export")
    await world.command("U0HEADA", "export")
    deputy, head = (load_workbook(io.BytesIO(f.content)).active for f in world.slack.files if f.completed)
    rows = list(deputy.iter_rows(values_only=True))  # type: ignore[union-attr]
    header = list(rows[0])
    at = {name: header.index(name) for name in ("Received on", "Document no.", "Basis")}
    by_number = {r[0]: r for r in rows[1:]}
    imported = by_number["DB-2026-0012"]
    assert imported[at["Received on"]].date() == date(2026, 10, 8)
    assert imported[at["Document no."]] == "县政办〔2026〕45号"
    assert imported[at["Basis"]] == "县政府常务会议纪要"
    [secret] = [r for r in rows[1:] if r[2] == "保密事项"]
    assert secret[at["Document no."]] == "密〔2026〕1号"  # a leader is cleared
    head_rows = list(head.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert head_rows[0][-3:] == ("收文日期", "文号", "立项依据")
    assert "密〔2026〕1号" not in str(head_rows) and "内部通知" not in str(head_rows)


async def test_the_month_bulletin_measures_same_day_registration_from_the_received_date(
    world: World,
) -> None:
    await world.command("U0LEADER", "交办 <@U0HEADA> 防汛检查 截止 12月15日 收文 11月24日")
    await world.command("U0LEADER", "交办 <@U0HEADB> 台账整理 截止 12月15日 收文 今天")
    await world.command("U0LEADER", "交办 <@U0STAFFA> 值班安排 截止 12月15日")
    reply = await world.command("U0SUPER", "通报 月")
    assert "本期登记 3 件（收文当日登记 2/3）" in reply.message.all_text()
