"""The ledger (督办台账) as an .xlsx workbook: one row per item, written with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, tzinfo
from typing import Any

from bot.domain.fairness import counted, finished_on, on_time
from bot.domain.register import RegisterFields
from bot.domain.statistics import NO_DEPARTMENT, ItemSnapshot, local_day
from messages.i18n import t, tp

COLUMNS = (
    "number",
    "source",
    "title",
    "classification",  # 密级
    "department",
    "owners",
    "created",
    "original_due",
    "current_due",
    "completed",
    "state",
    "urges",
    "returns",
    "on_time",
    "received_on",  # register fields (登记要素): 收文日期, 文号, 立项依据
    "doc_number",
    "basis",
)
WIDTHS = {"title": 48, "owners": 28, "department": 20, "doc_number": 20, "basis": 40}
# A text starting with one of these would be taken for a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def on_time_flag(snap: ItemSnapshot, today: date, zone: tzinfo, locale: str) -> str:
    """Against the original deadline, so an extension does not turn a late item into an on-time one."""
    due = snap.original_due
    if due is None or not counted(snap.state):
        return ""  # no deadline, or not the unit's yet (awaiting approval) / ended without a result
    finished = finished_on(snap.final_reported_at, snap.completed_at, zone)  # the one rule
    if snap.completed_at is not None and finished is not None:
        return tp(locale, "ledger.yes" if on_time(finished, due) else "ledger.no")
    return tp(locale, "ledger.overdue" if today > due else "ledger.pending")


def ledger_xlsx(
    rows: Sequence[tuple[ItemSnapshot, bool, list[str], str]],
    departments: Mapping[str, tuple[str, str]],
    locale: str,
    *,
    zone: tzinfo,
    today: date,
    registers: Mapping[int, RegisterFields] | None = None,
) -> bytes:
    """rows: (snapshot, may the requester see the title, owner names lead first, source kind);
    registers: each item's register fields by item id (shown only to those who may see the title).

    Every text cell is stored as text (never a formula), so a title such as ``=HYPERLINK(…)``
    stays the words that were typed; those starting like a formula also get Excel's quote prefix.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = tp(locale, "ledger.sheet")[:31]
    sheet.append([tp(locale, f"ledger.col_{c}") for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for snap, visible, owners, source in rows:
        department = departments.get(snap.department)
        dept_name = (department[1] if locale == "en" else department[0]) if department else ""
        if snap.department == NO_DEPARTMENT:
            dept_name = tp(locale, "bulletin.no_department")
        sheet.append(
            [
                snap.number,
                tp(locale, f"source.{source}"),
                snap.title if visible else tp(locale, "ledger.redacted"),
                tp(locale, "ledger.confidential" if snap.confidential else "ledger.not_confidential"),
                dept_name,
                ", ".join(owners),
                local_day(snap.created_at, zone),
                snap.original_due,
                snap.current_due,
                local_day(snap.completed_at, zone) if snap.completed_at else None,
                tp(locale, f"state.{snap.state}"),
                snap.urge_round,
                snap.return_count,
                on_time_flag(snap, today, zone, locale),
                *_register_cells((registers or {}).get(snap.item_id or -1), visible, locale),
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl makes any "=…" string a formula
                if cell.value.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 14)
        for cell in sheet[get_column_letter(index)][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _register_cells(fields: RegisterFields | None, visible: bool, locale: str) -> list[Any]:
    if fields is None:
        return [None, "", ""]
    if not visible:  # a confidential item's document and basis say what its title would
        hidden = tp(locale, "ledger.redacted")
        return [fields.received_on, hidden if fields.doc_number else "", hidden if fields.basis else ""]
    return [fields.received_on, fields.doc_number, fields.basis]


def upload_payload(scope: str | None, locale: str, user_id: str, content_base64: str) -> dict[str, Any]:
    label = scope or tp(locale, "ledger.scope_all")
    return {
        "filename": f"duban-ledger-{scope or 'all'}.xlsx",
        "title": tp(locale, "ledger.file_title", scope=label),
        "channel_id": user_id,
        "initial_comment": t(locale, "ledger.file_comment", scope=label),
        "content_base64": content_base64,
    }


def export_reply(result: Any, locale: str) -> dict[str, Any]:
    label = result.scope or tp(locale, "ledger.scope_all")
    return {"text": t(locale, "ledger.done", scope=label, count=result.count)}
