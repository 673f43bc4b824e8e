"""``duban import``: the office's existing ledger (台账) into the running bot's database.

The ledger is a generated .xlsx (and a GBK .csv); the import's effect is checked in the rows and
through the bot itself (signed commands, the emulator's messages).
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from bot.ledger_cli import run_import
from storage.models import ItemEventRow, ItemOwnerRow, ItemRow
from tests.e2e.conftest import World

HEADER = [
    "编号",
    "督查事由",
    "主办人",
    "协办人",
    "交办日期",
    "办理时限",
    "办理要求",
    "来源",
    "状态",
    "保密",
    "办理情况",
]
GOOD: list[list[Any]] = [
    [
        "DB-2026-0012",
        "修订防汛应急预案",
        "zhangwei@duban-demo.test",  # email, found in the users table
        "Sarah Lee",  # a name
        datetime(2026, 10, 9),
        date(2026, 12, 20),
        "按新标准修订",
        "会议",
        "办理中",
        "否",
        "2026-10-15 已召开协调会\n2026-11-02：形成初稿",
    ],
    [
        "DB-2026-0007",
        "整理督办台账",
        "U0STAFFB",
        "",
        "2026/10/20",
        "2026年12月10日",
        "",
        "",
        "已交办",
        "",
        "",
    ],
    [
        "DB-2025-0031",
        "去年遗留的整改事项",
        "陈静",
        "",
        "2025-12-01",
        "2026-12-31",
        "",
        "整改",
        "退回重办",
        "是",
        "",
    ],
]
BAD: list[list[Any]] = [
    ["DB-2026-0012", "重复编号", "U0HEADA", "", "", "2026-12-20", "", "", "", "", ""],
    ["DB-2026-0013", "日期写错", "U0HEADA", "", "", "明年春天", "", "", "", "", ""],
    ["DB-2026-0014", "无此人", "nobody@duban-demo.test", "", "", "2026-12-20", "", "", "", "", ""],
    ["DB-2026-0015", "已经办完", "U0HEADA", "", "", "2026-12-01", "", "", "已办结", "", ""],
    ["第十二号", "编号错", "U0HEADA", "", "", "2026-12-20", "", "", "", "", ""],
    ["DB-2026-0016", "", "U0HEADA", "", "", "2026-12-20", "", "", "", "", ""],
]


def xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["某县督查室督办事项台账"])  # a title row above the header is common
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


async def _import(world: World, path: Path, *, dry_run: bool, locale: str = "zh") -> tuple[int, str]:
    out = io.StringIO()
    settings = replace(world.runtime.settings, locale=locale)
    code = await run_import(settings, path, dry_run=dry_run, clock=world.clock, out=out)
    return code, out.getvalue()


async def test_dry_run_lists_every_refused_row_with_its_reason_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    ledger = xlsx(tmp_path / "台账.xlsx", GOOD + BAD)
    code, output = await _import(world, ledger, dry_run=True)
    assert code == 1
    lines = output.splitlines()
    # Rows 1-3 are the title, a blank line and the header; the good rows are 4-6.
    assert lines[:6] == [
        "第 7 行：编号 DB-2026-0012 与第 4 行重复。",
        "第 8 行：「办理时限」不是有效日期：明年春天（应写成 2026-12-05 或 2026年12月5日）。",
        "第 9 行：找不到承办人「nobody@duban-demo.test」：用户表中没有此邮箱或姓名，"
        "请改填其 Slack 用户 ID（如 U012ABCDEF）。",
        "第 10 行：状态为「已办结」，已办结的事项不导入（只导入在办事项）。",
        "第 11 行：编号无法识别：第十二号（应写成 DB-2026-0012）。",
        "第 12 行：缺少「事由」。",
    ]
    assert "3 行可以导入，6 行不能导入" in lines[-1]
    assert await world.item_count() == 0

    # A real run of the same file writes nothing either: all rows or none.
    code, output = await _import(world, ledger, dry_run=False)
    assert code == 1 and "未导入任何事项" in output
    assert await world.item_count() == 0

    code, output = await _import(world, ledger, dry_run=True, locale="en")
    assert "Row 8: the deadline is not a date: 明年春天 (write 2026-12-05)." in output


async def test_import_loads_open_items_with_owners_dates_and_history(world: World, tmp_path: Path) -> None:
    ledger = xlsx(tmp_path / "ledger.xlsx", GOOD)
    code, output = await _import(world, ledger, dry_run=True)
    assert code == 0 and "全部可以导入" in output and "2026: 0013" in output
    assert await world.item_count() == 0

    code, output = await _import(world, ledger, dry_run=False)
    assert code == 0, output
    assert "已导入 3 项" in output

    item = await world.item("DB-2026-0012")
    assert (item.title, item.state, item.source, item.confidential) == (
        "修订防汛应急预案",
        "in_progress",
        "meeting_decision",
        False,
    )
    assert item.current_due == item.original_due == date(2026, 12, 20)
    assert item.created_at.date() == date(2026, 10, 9) and item.assigner_id == "U0SUPER"
    owners = await world.rows(select(ItemOwnerRow).where(ItemOwnerRow.item_id == item.id))
    assert {(o.user_id, o.role) for o in owners} == {("U0HEADA", "lead"), ("U0HEADB", "co")}
    assert await world.events("DB-2026-0012") == ["registered", "history_note", "history_note", "imported"]
    notes = await world.rows(
        select(ItemEventRow).where(ItemEventRow.item_id == item.id, ItemEventRow.kind == "history_note")
    )
    assert [(n.at.date(), n.payload["detail"]) for n in notes] == [
        (date(2026, 10, 15), "已召开协调会"),
        (date(2026, 11, 2), "形成初稿"),
    ]
    assert (await world.item("DB-2026-0007")).state == "issued"
    old = await world.item("DB-2025-0031")
    assert (old.state, old.confidential, old.kind) == ("returned", True, "regular")

    # The bot works with them: the card shows the carried-over history, and numbering continues.
    card = await world.command("U0SUPER", "show DB-2026-0012")
    assert "原台账记录：形成初稿" in str(card.body) and "从原台账导入" in str(card.body)
    reply = await world.command("U0LEADER", "assign <@U0HEADA> 新的事项 due 2026-12-18")
    assert "DB-2026-0013" in reply.text
    # Importing the same ledger again is refused row by row: the numbers exist now.
    code, output = await _import(world, ledger, dry_run=True)
    assert code == 1 and "编号 DB-2026-0012 已存在于督办系统中" in output
    assert len(await world.rows(select(ItemRow))) == 4


async def test_csv_in_gbk_through_the_command_line(world: World, tmp_path: Path) -> None:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerow(
        ["DB-2026-0003", "落实会议纪要", "U0HEADB", "", "2026-11-02", "2026-12-15", "", "", "", "", ""]
    )
    writer.writerow(["DB-2026-0004", "错的行", "U0HEADB", "", "2026-11-02", "12-15", "", "", "", "", ""])
    path = tmp_path / "ledger.csv"
    path.write_bytes(text.getvalue().encode("gb18030"))
    env = {**os.environ, "DATABASE_URL": world.runtime.settings.database_url, "DUBAN_LOCALE": "en"}
    code, stdout = await _cli(env, "import", str(path), "--dry-run")
    assert code == 1, stdout
    assert "Row 3: the deadline is not a date: 12-15 (write 2026-12-05)." in stdout
    assert "1 can be imported, 1 cannot" in stdout
    assert await world.item_count() == 0

    code, stdout = await _cli(env, "import", "nowhere.xlsx")
    assert code == 2 and "No file nowhere.xlsx." in stdout


async def _cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    """``duban …`` as an operator runs it (a separate process)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; raise SystemExit(main())",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return int(process.returncode or 0), stdout.decode()
