"""Grammar of the correction subcommands (kept apart from ``commands`` to ease merging):

* ``withdraw <ID> <reason>`` / ``撤销 <ID> <理由>``
* ``edit <ID>`` / ``修改 <ID>``
* ``reassign <ID> <@new>`` (the lead) / ``reassign <ID> co <@old> <@new>`` (a co-owner) / ``改派 …``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.commands import Edit, Reassign, UserRef, Withdraw, _excerpt, _Parser, _Token, _unescape
from bot.domain.due_dates import normalise
from bot.domain.errors import ParseError
from bot.domain.items import ItemRef, parse_item_ref

SUBCOMMANDS: dict[str, str] = {
    "withdraw": "withdraw",
    "撤销": "withdraw",
    "撤回": "withdraw",
    "edit": "edit",
    "修改": "edit",
    "reassign": "reassign",
    "改派": "reassign",
}
_CO_WORDS = frozenset({"co", "协办"})
_LEAD_WORDS = frozenset({"lead", "主办"})


def _ref(token: _Token | None, command: str) -> ItemRef:
    if token is None:
        raise ParseError("missing_item_ref", command=command, word=command)
    try:
        return parse_item_ref(normalise(token.text).lstrip("#"))
    except ParseError:
        raise ParseError("bad_item_ref", text=token.text) from None


def _person(token: _Token | None) -> UserRef:
    from bot.domain.command_pieces import _mentions

    refs = _mentions(token) if token is not None else None
    if not refs or len(refs) != 1:
        text = _excerpt(_unescape(token.text)) if token is not None else ""
        raise ParseError("reassign_needs_person", text=text)
    return refs[0]


def _withdraw(p: _Parser, word: str) -> Withdraw:
    ref = _ref(p.take(), "withdraw")
    reason = p.rest()
    if not reason:
        raise ParseError("missing_value", option="reason", command="withdraw")
    return Withdraw(ref, reason)


def _edit(p: _Parser, word: str) -> Edit:
    ref = _ref(p.take(), "edit")
    p.done()
    return Edit(ref)


def _reassign(p: _Parser, word: str) -> Reassign:
    ref = _ref(p.take(), "reassign")
    head = p.peek()
    if head is not None and head.norm in _CO_WORDS:
        p.take()
        old = _person(p.take())
        new = _person(p.take())
        p.done()
        return Reassign(ref, new, old)
    if head is not None and head.norm in _LEAD_WORDS:
        p.take()
    new = _person(p.take())
    p.done()
    return Reassign(ref, new, None)


HANDLERS: dict[str, Callable[[_Parser, str], Any]] = {
    "withdraw": _withdraw,
    "edit": _edit,
    "reassign": _reassign,
}
