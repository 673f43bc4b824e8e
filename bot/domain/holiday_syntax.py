"""``/duban holiday``: the working-day calendar's subcommand (list, confirm a year, mark days off or
working, clear), with date ranges such as ``2027-02-06..02-12`` or ``2月6日 至 2月12日``."""

from __future__ import annotations

import re
from datetime import date

from bot.domain import command_words as words
from bot.domain.commands import Holiday, _excerpt, _Parser, _Token
from bot.domain.due_dates import normalise, parse_full_date
from bot.domain.errors import ParseError

_YEAR_RE = re.compile(r"[0-9]{4}")


def _year(token: _Token | None) -> int | None:
    if token is None or not _YEAR_RE.fullmatch(token.norm):
        return None
    year = int(token.norm)
    return year if 2000 <= year <= 2200 else None


# Most holidays last a week; a range longer than this is a typo (a wrong month or year).
HOLIDAY_RANGE_MAX_DAYS = 31
_RANGE_SEPARATORS = ("..", "~", "至", "到", "—")


def parse_holiday(p: _Parser, word: str) -> Holiday:
    args = p.tokens[1:]
    if not args:
        return Holiday("list")
    head = args[0].norm
    if head in words.HOLIDAY_LIST:
        if len(args) == 1:
            return Holiday("list")
        if len(args) == 2 and (year := _year(args[1])) is not None:
            return Holiday("list", year=year)
    elif (year := _year(args[0])) is not None:
        if len(args) == 1:
            return Holiday("list", year=year)
        if len(args) == 2 and args[1].norm in words.HOLIDAY_CONFIRM:
            return Holiday("confirm", year=year)
    elif head in words.HOLIDAY_CLEAR:
        p.i = 3  # past the subcommand, the word and the first date
        days = _holiday_days(p, args[1]) if len(args) >= 2 else None
        if days is not None and p.peek() is None:
            return Holiday("clear", day=days[0], until=days[1])
    else:
        p.i = 2  # past the subcommand and the first date
        days = _holiday_days(p, args[0])
        mark_token = p.take()
        mark = mark_token.norm if mark_token else ""
        if days is not None and (mark in words.HOLIDAY_OFF or mark in words.HOLIDAY_WORK):
            return Holiday(
                "off" if mark in words.HOLIDAY_OFF else "work",
                day=days[0],
                note=p.rest() or None,
                until=days[1],
            )
    raise ParseError("bad_holiday", text=_excerpt(p.rest(args[0].start)))


def _holiday_days(p: _Parser, token: _Token) -> tuple[date, date | None] | None:
    """One date, or a range written ``A..B``, ``A~B``, ``A至B`` or ``A 至 B`` (the end may omit the
    year: ``2027-02-06..02-12``). Consumes the tokens it used."""
    text = token.text
    following = p.peek()
    if following is not None and following.norm in _RANGE_SEPARATORS:
        end = p.tokens[p.i + 1] if p.i + 1 < len(p.tokens) else None
        if end is not None:
            text = f"{token.text}..{end.text}"
            p.i += 2
    normal = normalise(text)
    for separator in _RANGE_SEPARATORS:
        if separator in normal:
            first, _, last = normal.partition(separator)
            start = _holiday_date_text(first)
            if start is None:
                return None
            end_day = _holiday_date_text(last) or _holiday_date_text(f"{start.year}-{last}")
            if end_day is None or not start <= end_day:
                return None
            if (end_day - start).days >= HOLIDAY_RANGE_MAX_DAYS:
                days = (end_day - start).days + 1
                raise ParseError("holiday_range_too_long", days=days, max=HOLIDAY_RANGE_MAX_DAYS)
            return start, (end_day if end_day != start else None)
    day = _holiday_date_text(text)
    return (day, None) if day is not None else None


def _holiday_date_text(text: str) -> date | None:
    try:
        return parse_full_date(text)
    except ParseError:
        return None
