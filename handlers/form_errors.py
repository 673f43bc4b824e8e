"""Field errors of a modal, all at once: one ``response_action: errors`` naming every wrong field."""

from __future__ import annotations

from bot.domain.errors import DomainError, FieldErrors
from messages import replies


def field_errors(
    locale: str, error: DomainError, default: str, fields: tuple[str, ...] | None = None
) -> dict[str, str]:
    """Each error next to its field (``default`` when it names none, or one the form lacks)."""
    errors: dict[str, str] = {}
    for each in error.errors if isinstance(error, FieldErrors) else [error]:
        field = each.field if each.field and (fields is None or each.field in fields) else default
        errors.setdefault(field, replies.error_text(locale, each).replace(":warning: ", "")[:150])
    return errors
