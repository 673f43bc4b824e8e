"""Errors of the domain core.

Every refusal carries a stable ``code`` and the ``params`` needed to explain it; the messages
package turns ``error.<code>`` into a localised sentence. The core never formats prose itself.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on (bad input, missing right, illegal transition)."""

    def __init__(self, code: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params
        # Which input the error is about (a modal shows it next to that field).
        self.field = field


class ParseError(DomainError):
    """The text a user typed could not be understood."""


class PermissionDenied(DomainError):
    """The actor lacks the role or the relation to the item the action needs."""


class IllegalTransition(DomainError):
    """The item's state does not allow the requested action."""


class NotFound(DomainError):
    """A referenced item or person does not exist (or is invisible to the actor)."""


class FieldErrors(DomainError):
    """Several inputs of one form are wrong: a modal shows every one next to its field at once.

    It reads as its first error (``code``, ``params``, ``field``) wherever only one can be shown."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.code, field=first.field, **first.params)
        self.errors = errors


def raise_all(errors: list[DomainError]) -> None:
    """Raise nothing, the one error, or all of them together."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise FieldErrors(errors)


class DuplicateRequest(Exception):
    """Storage refused a second record for one request key (a retried or replayed request that raced
    the first one): the first one's result stands. Not a refusal the user sees."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class DirectoryUnavailable(Exception):
    """The chat platform's directory (profiles, user groups) refused or failed a lookup; the caller
    keeps what it has and tries again later. Not a refusal the user sees."""


class UnknownUnit(LookupError):
    """A list filter names a department that does not exist (``args[0]``: the name as typed)."""
