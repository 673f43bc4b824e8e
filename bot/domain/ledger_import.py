"""Reading the office's existing ledger (台账) row by row: what each row says, or why it is refused.

Rows arrive as ``{header: value}`` (values are text, numbers, dates or datetimes, as a spreadsheet
holds them). Headers are matched in Chinese or English; owners are left as typed for the service
to look up. Nothing here reads files, the clock or the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain.due_dates import parse_full_date
from bot.domain.errors import DomainError
from bot.domain.items import REQUIREMENTS_MAX, TITLE_MAX, ItemNumber, SourceKind, parse_item_ref, parse_source
from bot.domain.lifecycle import State
from bot.domain.register import RegisterFields, check_register

# Column -> the words that may head it (compared after stripping spaces and lower-casing).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("编号", "统一编号", "督办编号", "number", "no", "no.", "id"),
    "title": ("事由", "督查事由", "标题", "事项", "督办事项", "title", "subject"),
    "lead": ("主办", "主办人", "责任人", "承办人", "lead", "owner"),
    "co": ("协办", "协办人", "co", "co-owners", "co_owners"),
    "received": ("交办日期", "登记日期", "立项日期", "received", "registered", "created"),
    "due": ("办理时限", "截止日期", "时限", "due", "deadline"),
    "requirements": ("办理要求", "要求", "requirements"),
    "source": ("来源", "source"),
    "state": ("状态", "办理状态", "state", "status"),
    "confidential": ("保密", "confidential"),
    "history": ("办理情况", "历史", "备注", "history", "notes"),
    # Register fields (bot.domain.register): 收文日期, 文号, 立项依据.
    "received_on": ("收文日期", "收文时间", "来文日期", "receivedon", "received_on", "datereceived"),
    "doc_number": ("文号", "来文文号", "docno", "doc_number", "documentnumber", "documentno."),
    "basis": ("立项依据", "依据", "basis"),
}
_HEADER_INDEX = {word: column for column, words in COLUMNS.items() for word in words}
REQUIRED = ("number", "title", "lead", "due")

# Open states an imported item may start in (words of the ledger or the state codes).
STATES: dict[str, State] = {
    **{s.value: s for s in (State.ISSUED, State.IN_PROGRESS, State.REPORTED, State.RETURNED)},
    "已交办": State.ISSUED,
    "交办": State.ISSUED,
    "办理中": State.IN_PROGRESS,
    "在办": State.IN_PROGRESS,
    "已反馈": State.REPORTED,
    "待审核": State.REPORTED,
    "退回重办": State.RETURNED,
    "退回": State.RETURNED,
}
_CLOSED_WORDS = frozenset(
    {"completed", "archived", "closed", "withdrawn", "已办结", "办结", "已归档", "已关闭", "已撤销"}
)
_TRUE = frozenset({"是", "yes", "y", "true", "1", "保密", "√", "✓"})
_FALSE = frozenset({"", "否", "no", "n", "false", "0"})
_SPLIT = re.compile(r"[,，、;；\n]+")
_NOTE_DATE = re.compile(r"^\s*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)\s*[:：]?\s*(.*)$")


@dataclass(frozen=True, slots=True)
class Refusal:
    row: int  # the spreadsheet row number (the header is row 1)
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HistoryNote:
    day: date | None
    text: str


@dataclass(frozen=True, slots=True)
class LedgerRow:
    row: int
    number: ItemNumber
    title: str
    lead: str  # as typed: a Slack id, an email or a name
    co: tuple[str, ...]
    received: date | None
    due: date
    requirements: str
    source: SourceKind
    state: State
    confidential: bool
    history: tuple[HistoryNote, ...]
    register: RegisterFields = field(default_factory=RegisterFields)


def header_map(headers: list[Any]) -> tuple[dict[int, str], list[str]]:
    """Column index -> column name, and the required columns missing from the header row."""
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = re.sub(r"\s+", "", str(header or "")).lower()
        column = _HEADER_INDEX.get(key)
        if column is not None and column not in found.values():
            found[index] = column
    missing = [c for c in REQUIRED if c not in found.values()]
    return found, missing


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _day(value: Any, column: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        parsed = parse_full_date(_text(value))
    except DomainError:
        parsed = None
    if parsed is None:
        raise DomainError("ledger_bad_date", column=column, value=_text(value)[:40])
    return parsed


def _number(value: Any, default_year: int) -> ItemNumber:
    text = _text(value)
    if not text:
        raise DomainError("ledger_missing", column="number")
    try:
        ref = parse_item_ref(text)
    except DomainError:
        raise DomainError("ledger_bad_number", value=text[:40]) from None
    return ref.resolve(default_year)


def _state(value: Any) -> State:
    word = _text(value).lower()
    if not word:
        return State.IN_PROGRESS
    if word in STATES:
        return STATES[word]
    if word in _CLOSED_WORDS:
        raise DomainError("ledger_not_open", value=_text(value)[:40])
    raise DomainError("ledger_bad_state", value=_text(value)[:40])


def _flag(value: Any) -> bool:
    word = _text(value).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise DomainError("ledger_bad_flag", column="confidential", value=_text(value)[:40])


def _history(value: Any) -> tuple[HistoryNote, ...]:
    notes = []
    for line in _text(value).splitlines():
        if not line.strip():
            continue
        match = _NOTE_DATE.match(line)
        day = parse_full_date(match.group(1)) if match else None
        text = match.group(2).strip() if match and day else line.strip()
        notes.append(HistoryNote(day, text[:REQUIREMENTS_MAX]))
    return tuple(notes)


def read_row(row: int, cells: dict[str, Any], default_year: int, today: date | None = None) -> LedgerRow:
    """One ledger row, or a DomainError whose code says why it is refused (``ledger_*``)."""
    number = _number(cells.get("number"), default_year)
    title = " ".join(_text(cells.get("title")).split())
    if not title:
        raise DomainError("ledger_missing", column="title")
    if len(title) > TITLE_MAX:
        raise DomainError("ledger_too_long", column="title", length=len(title), max=TITLE_MAX)
    lead = _text(cells.get("lead"))
    if not lead:
        raise DomainError("ledger_missing", column="lead")
    due = _day(cells.get("due"), "due")
    if due is None:
        raise DomainError("ledger_missing", column="due")
    received = _day(cells.get("received"), "received")
    if received is not None and received > due:
        raise DomainError("ledger_due_before_received", due=due.isoformat(), received=received.isoformat())
    requirements = _text(cells.get("requirements"))
    if len(requirements) > REQUIREMENTS_MAX:
        raise DomainError(
            "ledger_too_long", column="requirements", length=len(requirements), max=REQUIREMENTS_MAX
        )
    source_text = _text(cells.get("source"))
    try:
        source = parse_source(source_text) if source_text else SourceKind.OTHER
    except DomainError:
        raise DomainError("ledger_bad_source", value=source_text[:40]) from None
    co = tuple(part.strip() for part in _SPLIT.split(_text(cells.get("co"))) if part.strip())
    register = _register(cells, today)
    return LedgerRow(
        row=row,
        number=number,
        title=title,
        lead=lead,
        co=co,
        received=received,
        due=due,
        requirements=requirements,
        source=source,
        state=_state(cells.get("state")),
        confidential=_flag(cells.get("confidential")),
        history=_history(cells.get("history")),
        register=register,
    )


def _register(cells: dict[str, Any], today: date | None) -> RegisterFields:
    received_on = _day(cells.get("received_on"), "received_on")
    if received_on is not None and today is not None and received_on > today:
        raise DomainError("ledger_received_in_future", date=received_on.isoformat(), today=today.isoformat())
    try:
        return check_register(
            RegisterFields(received_on, _text(cells.get("doc_number")), _text(cells.get("basis")))
        )
    except DomainError as error:
        column = error.field or "basis"
        length, most = error.params["length"], error.params["max"]
        raise DomainError("ledger_too_long", column=column, length=length, max=most) from None


def duplicates(rows: list[LedgerRow]) -> list[Refusal]:
    """Rows repeating a number an earlier row of the same file already has."""
    seen: dict[ItemNumber, int] = {}
    refused = []
    for row in rows:
        if row.number in seen:
            refused.append(
                Refusal(
                    row.row, "ledger_duplicate_number", {"number": str(row.number), "first": seen[row.number]}
                )
            )
        else:
            seen[row.number] = row.row
    return refused
