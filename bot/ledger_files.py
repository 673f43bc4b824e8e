"""The office's ledger file (台账) as rows: an Excel workbook (.xlsx, first sheet) or a CSV file.

CSV exported by Chinese office software is often GBK; UTF-8 (with or without BOM) is tried first.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.domain.ledger_import import header_map

HEADER_SEARCH_ROWS = 10


class LedgerFileError(Exception):
    """The file cannot be read as a ledger at all (not a row-level refusal); ``code`` names the catalog entry
    ``ledger_import.<code>``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code} {params}")
        self.code = code
        self.params = params


def _raw_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken or foreign file
            raise LedgerFileError("file_unreadable", file=path.name, error=str(error)[:200]) from None
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if suffix == ".csv":
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            raise LedgerFileError("file_unreadable", file=path.name, error="encoding")
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise LedgerFileError("file_type", file=path.name)


def read_ledger(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(spreadsheet row number, {column: value}) for every non-empty row below the header row."""
    if not path.is_file():
        raise LedgerFileError("file_missing", file=str(path))
    rows = _raw_rows(path)
    filled = [i for i, row in enumerate(rows) if any(_filled(v) for v in row)]
    if not filled:
        raise LedgerFileError("file_empty", file=path.name)
    # The header is the first row naming the required columns (a title row often stands above it).
    start = next((i for i in filled[:HEADER_SEARCH_ROWS] if not header_map(rows[i])[1]), None)
    if start is None:
        missing = header_map(rows[filled[0]])[1]
        raise LedgerFileError("file_columns", file=path.name, columns=", ".join(missing))
    columns, _ = header_map(rows[start])
    table = []
    for offset, row in enumerate(rows[start + 1 :], start=start + 2):
        if any(_filled(v) for v in row):
            table.append((offset, {name: row[i] if i < len(row) else None for i, name in columns.items()}))
    return table


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""
