"""Corrections of an issued item (撤销 withdraw, 修改 edit, 改派 reassign): the rules, no I/O.

An item can be corrected while it is still being worked on. Once completed, closed, archived,
rejected or withdrawn it is part of the record and refuses every correction with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.errors import DomainError
from bot.domain.items import REQUIREMENTS_MAX, TITLE_MAX, Item, Owner, OwnerRole, SourceKind
from bot.domain.lifecycle import State

WITHDRAW_REASON_MAX = 500
# State -> the error code that explains why the item can no longer be corrected.
_CLOSED_REASONS: dict[State, str] = {
    State.COMPLETED: "correction_completed",
    State.CLOSED: "correction_completed",
    State.ARCHIVED: "correction_archived",
    State.REJECTED: "correction_rejected",
    State.WITHDRAWN: "correction_withdrawn",
}
EDITABLE_FIELDS = ("title", "requirements", "due", "source", "confidential")
# Changes the owners must hear about (their work or their deadline changed).
OWNER_RELEVANT_FIELDS = frozenset({"due", "requirements"})


def ensure_correctable(item: Item, action: str) -> None:
    """Refuse a correction of a finished item, saying which state stops it."""
    code = _CLOSED_REASONS.get(item.state)
    if code is not None:
        raise DomainError(code, number=str(item.number), action=action)


def check_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise DomainError("withdraw_reason_missing")
    if len(text) > WITHDRAW_REASON_MAX:
        raise DomainError("withdraw_reason_too_long", length=len(text), max=WITHDRAW_REASON_MAX)
    return text


@dataclass(frozen=True, slots=True)
class EditValues:
    """What the edit form submitted (all fields, changed or not)."""

    title: str
    requirements: str
    due: date
    source: SourceKind
    confidential: bool


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any  # JSON-friendly (dates as ISO text)
    new: Any


def current_values(item: Item) -> EditValues:
    return EditValues(item.title, item.requirements, item.current_due, item.source, item.confidential)


def validate(values: EditValues) -> EditValues:
    """Normalised values, or a DomainError naming the form field (title, requirements, due)."""
    title = " ".join(values.title.split())
    if not title:
        raise DomainError("empty_title", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError("title_too_long", length=len(title), max=TITLE_MAX, field="title")
    requirements = values.requirements.strip()
    if len(requirements) > REQUIREMENTS_MAX:
        raise DomainError(
            "requirements_too_long", length=len(requirements), max=REQUIREMENTS_MAX, field="requirements"
        )
    return EditValues(title, requirements, values.due, values.source, values.confidential)


def changes(item: Item, values: EditValues, today: date) -> list[FieldChange]:
    """The fields that differ from the item, in form order. A new deadline may not lie in the past."""
    before = current_values(item)
    found: list[FieldChange] = []
    for name in EDITABLE_FIELDS:
        old, new = getattr(before, name), getattr(values, name)
        if old == new:
            continue
        if name == "due" and new < today:
            raise DomainError("date_in_past", date=new.isoformat(), today=today.isoformat(), field="due")
        found.append(FieldChange(name, _plain(old), _plain(new)))
    return found


def apply_changes(item: Item, values: EditValues, found: list[FieldChange]) -> None:
    names = {c.field for c in found}
    if "title" in names:
        item.title = values.title
    if "requirements" in names:
        item.requirements = values.requirements
    if "source" in names:
        item.source = values.source
    if "confidential" in names:
        item.confidential = values.confidential
    if "due" in names:
        if item.original_due == item.current_due:
            item.original_due = values.due  # a mistyped deadline: correct the record, not an extension
        item.current_due = values.due


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, SourceKind):
        return value.value
    return value


def replace_owner(item: Item, old_id: str, new_id: str, role: OwnerRole) -> Owner:
    """Put ``new_id`` where ``old_id`` was (same role and position); returns the removed owner."""
    old = item.owner(old_id)
    if old is None or old.role is not role:
        raise DomainError("reassign_not_owner", number=str(item.number), who=f"<@{old_id}>", role=role.value)
    if old_id == new_id:
        raise DomainError("reassign_same_person", number=str(item.number))
    if item.owner(new_id) is not None:
        raise DomainError("reassign_already_owner", number=str(item.number), who=f"<@{new_id}>")
    index = item.owners.index(old)
    item.owners[index] = Owner(new_id, role)
    return old
