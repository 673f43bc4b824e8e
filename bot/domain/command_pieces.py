"""The pieces of a ``/duban`` command the subcommand parsers share: mentions, item numbers, option
keywords and their values, and dates written as more than one token."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain import command_words as words
from bot.domain.commands import UserRef, _Parser, _Token
from bot.domain.due_dates import is_month_name, normalise
from bot.domain.errors import ParseError
from bot.domain.items import ItemRef, parse_item_ref


def _mentions(token: _Token) -> list[UserRef] | None:
    """The people in a token made only of mentions (``<@U1>``, ``<@U1|wang>``, ``@wang``, glued or
    separated by ``,``/``、``); channel refs ``<#C1|x>`` in it are ignored. ``None`` otherwise."""
    if token.quoted:
        return None
    text, pos, refs = token.text, 0, []
    while pos < len(text):
        match = words.MENTION_PIECE_RE.match(text, pos)
        if match is None:
            return None
        if match.group(1):
            refs.append(UserRef(user_id=match.group(1)))
        elif match.group(2):
            refs.append(UserRef(name=match.group(2)))
        pos = match.end()
        while pos < len(text) and text[pos] in words.SEPARATORS:
            pos += 1
    return refs


def _is_separator(token: _Token) -> bool:
    return not token.quoted and all(ch in words.SEPARATORS for ch in token.text)


def _item_ref(token: _Token | None, command: str, word: str) -> ItemRef:
    if token is None:
        raise ParseError("missing_item_ref", command=command, word=word)
    try:
        return parse_item_ref(normalise(token.text).lstrip("#"))
    except ParseError:
        raise ParseError("bad_item_ref", text=token.text) from None


@dataclass(frozen=True, slots=True)
class _Option:
    kind: str
    keyword: str  # as typed, for error messages
    inline: str | None  # the value glued with a colon (截止：12-05), raw
    inline_start: int  # offset of the inline value in the command text
    implicit: bool = False  # a 每… cadence token


def _option(token: _Token) -> _Option | None:
    if token.quoted:
        return None
    norm = token.norm
    kind = words.OPTION_KEYWORDS.get(norm.rstrip(":"))
    if kind is not None:
        return _Option(kind, token.text.rstrip(":："), None, token.end)
    if ":" in norm:
        head = norm.partition(":")[0]
        kind = words.OPTION_KEYWORDS.get(head)
        # The colon as typed (":", "：", "﹕"); None if it only appeared through NFKC expansion ("⩴").
        cut = next((k for k, ch in enumerate(token.text) if unicodedata.normalize("NFKC", ch) == ":"), None)
        if kind is not None and kind not in words.FLAGS and cut is not None:
            return _Option(kind, token.text[:cut], token.text[cut + 1 :], token.start + cut + 1)
    if words.CADENCE_TOKEN_RE.fullmatch(norm):
        return _Option("cadence", token.text, token.text, token.start, implicit=True)
    return None


def _is_keyword(token: _Token) -> bool:
    """An explicit option keyword (a 每… cadence does not end the value of ``every``)."""
    option = _option(token)
    return option is not None and not option.implicit


_DUE_NUMBER_RE = re.compile(r"\+?[0-9]{1,12}")
_DUE_UNIT_RE = re.compile(r"wd|d|w|days?|weeks?|months?|workdays?|天|周|个月|个?星期|个?礼拜|个?工作日")
_DUE_WEEKDAY_RE = re.compile(r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)|[a-z]+day")


_DUE_DAY_RE = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th)?,?")
_DUE_YEAR_RE = re.compile(r"[0-9]{4}")


def _date_value(p: _Parser, first: str) -> str:
    """One date token, or the few that only make sense together (``next fri``, ``3 wd``,
    ``Dec 31``, ``31 Dec``, ``December 31, 2027``)."""
    following = p.peek()
    if following is None or following.quoted:
        return first
    head, tail = normalise(first), following.norm
    if (_DUE_NUMBER_RE.fullmatch(head) and _DUE_UNIT_RE.fullmatch(tail)) or (
        head in ("next", "this") and _DUE_WEEKDAY_RE.fullmatch(tail)
    ):
        p.take()
        return f"{first} {following.text}"
    if (is_month_name(head) and _DUE_DAY_RE.fullmatch(tail)) or (
        _DUE_DAY_RE.fullmatch(head) and is_month_name(tail)
    ):
        p.take()
        value = f"{first} {following.text}"
        year = p.peek()
        if year is not None and not year.quoted and _DUE_YEAR_RE.fullmatch(year.norm):
            p.take()
            value = f"{value} {year.text}"
        return value
    return first
