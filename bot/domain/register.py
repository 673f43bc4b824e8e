"""The register fields the regulations ask for (登记要素, S1 and S5): 收文日期 (the day the matter
reached the office), 文号 (the document's number) and 立项依据 (why it became an item).

"Registered the same day it arrives" is measured against the received date when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.due_dates import month_name_date, normalise, parse_full_date
from bot.domain.errors import DomainError, ParseError

DOC_NUMBER_MAX = 100
BASIS_MAX = 1000

_MONTH_DAY_RES = (
    re.compile(r"(\d{1,2})[-/.](\d{1,2})", re.ASCII),
    re.compile(r"(\d{1,2}) ?月 ?(\d{1,2}) ?[日号]?", re.ASCII),
)
_DAYS_BACK = {"today": 0, "今天": 0, "今日": 0, "yesterday": 1, "昨天": 1, "昨日": 1, "前天": 2}


@dataclass(frozen=True, slots=True)
class RegisterFields:
    received_on: date | None = None  # 收文日期
    doc_number: str = ""  # 文号
    basis: str = ""  # 立项依据


def read_received(
    value: str | date | datetime | None, today: date, *, field: str = "received"
) -> date | None:
    """The received date as typed (``2026-11-20``, ``11-20``, ``11月20日``, ``Nov 20``, ``昨天``) or
    picked; a date after today or one Duban cannot read is a field error in the reader's language."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        day = _parse(value, today, field)
    if day > today:
        raise DomainError("received_in_future", date=day.isoformat(), today=today.isoformat(), field=field)
    return day


def _parse(text: str, today: date, field: str) -> date:
    s = normalise(text)
    try:
        if s in _DAYS_BACK:
            return today - timedelta(days=_DAYS_BACK[s])
        full = parse_full_date(text)
        if full is not None:
            return full
        for pattern in _MONTH_DAY_RES:
            match = pattern.fullmatch(s)
            if match:
                return date(today.year, int(match.group(1)), int(match.group(2)))
        named = month_name_date(text)
        if named is not None:
            month, day, year = named
            return date(year or today.year, month, day)
    except (DomainError, ValueError):
        pass
    raise ParseError("received_bad_date", text=text.strip()[:40], field=field)


def check_register(fields: RegisterFields) -> RegisterFields:
    """Tidy the texts (one line for the number, trimmed basis) and refuse what is too long."""
    doc_number = " ".join(fields.doc_number.split())
    basis = fields.basis.strip()
    if len(doc_number) > DOC_NUMBER_MAX:
        raise DomainError(
            "doc_number_too_long", length=len(doc_number), max=DOC_NUMBER_MAX, field="doc_number"
        )
    if len(basis) > BASIS_MAX:
        raise DomainError("basis_too_long", length=len(basis), max=BASIS_MAX, field="basis")
    return RegisterFields(fields.received_on, doc_number, basis)


def registered_same_day(received_on: date | None, registered_on: date) -> bool:
    """The office's first time limit: registered on the day the matter was received (no received
    date recorded: the registration day is the receiving day)."""
    return received_on is None or registered_on <= received_on


def register_payload(item: Any) -> dict[str, str]:
    """The register fields an item has, for its 'registered' dossier event (empty ones left out)."""
    payload = {
        "received_on": item.received_on.isoformat() if item.received_on else "",
        "doc_number": item.doc_number,
        "basis": item.basis,
    }
    return {key: value for key, value in payload.items() if value}
