"""Reading what a console user types: @mentions, clock moves, modal field answers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator.models import WorkspaceUser
from bot.emulator.view_state import options_of, state_key

_WORD = re.compile(r"[\w.\-]+")
_DELTA = re.compile(r"^\+((?:\d+[dhm])+)$")
_DELTA_PART = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def _names(user: WorkspaceUser) -> list[str]:
    return [n for n in (user.id, user.display_name, user.real_name, user.name) if n]


def _boundary_ok(name: str, rest: str) -> bool:
    """ASCII names must end at a word boundary; a CJK name may run straight into more CJK text."""
    if len(rest) == len(name) or not name[-1].isascii():
        return True
    nxt = rest[len(name)]
    return not (nxt.isascii() and (nxt.isalnum() or nxt in "_."))


def _match(rest: str, users: list[WorkspaceUser]) -> tuple[WorkspaceUser, int] | None:
    folded = rest.casefold()
    best: tuple[WorkspaceUser, int] | None = None
    for user in users:
        for name in _names(user):
            longer = best is None or len(name) > best[1]
            if longer and folded.startswith(name.casefold()) and _boundary_ok(name, rest):
                best = (user, len(name))
    if best is not None:
        return best
    word = _WORD.match(rest)
    if word is None:
        return None
    token = word.group(0).casefold()
    hits = {u.id: u for u in users for n in _names(u) if n.casefold().startswith(token)}
    return (next(iter(hits.values())), len(word.group(0))) if len(hits) == 1 else None


def find_person(ref: str, users: Iterable[WorkspaceUser]) -> WorkspaceUser | None:
    """By exact id or name, else by a unique name prefix ("tom" finds Tom Baker)."""
    people = [u for u in users if not u.deleted]
    ref = ref.strip().removeprefix("@")
    if not ref:
        return None
    exact = [u for u in people if ref.casefold() in (n.casefold() for n in _names(u))]
    if exact:
        return exact[0]
    found = _match(ref, people)
    return found[0] if found is not None and found[1] == len(ref) else None


def escape_mentions(text: str, users: Iterable[WorkspaceUser]) -> str:
    """`@张伟` / `@U0HEADA` / `@sarah` -> `<@U0HEADA|zhangwei>`, as Slack escapes slash command text."""
    people = [u for u in users if not u.deleted]
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "@" and (i == 0 or text[i - 1] != "<"):
            found = _match(text[i + 1 :], people)
            if found is not None:
                user, length = found
                out.append(f"<@{user.id}|{user.name}>")
                i += 1 + length
                continue
        out.append(ch)
        i += 1
    return "".join(out)


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_AT_TIME = re.compile(r"^(.+?)\s+(\d{1,2}):(\d{2})$")


def parse_clock(arg: str, now: datetime, tz: ZoneInfo) -> datetime:
    """`+2d`, `+3h`, `+1d2h30m`, `2026-12-07 09:00`, `2026-12-07` or `09:00` (today) -> aware datetime.

    A day and a time of day make a script independent of when it is started: `+2d 10:00` (two days
    on, at 10:00 local) and `mon 09:30` (the next Monday after today, 09:30 local)."""
    arg = arg.strip()
    at = _AT_TIME.match(arg)
    if at and (_DELTA.match(at.group(1)) or at.group(1).lower()[:3] in _WEEKDAYS):
        day = parse_clock(at.group(1), now, tz).astimezone(tz)
        return day.replace(hour=int(at.group(2)), minute=int(at.group(3)), second=0, microsecond=0)
    if arg.lower()[:3] in _WEEKDAYS and arg.isalpha():
        local = now.astimezone(tz)
        ahead = (_WEEKDAYS.index(arg.lower()[:3]) - local.weekday() - 1) % 7 + 1
        return local + timedelta(days=ahead)
    delta = _DELTA.match(arg)
    if delta:
        step = timedelta()
        for amount, unit in _DELTA_PART.findall(delta.group(1)):
            step += timedelta(**{_UNITS[unit]: int(amount)})
        return now + step
    local_now = now.astimezone(tz)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(arg, fmt).replace(tzinfo=tz)
        except ValueError:
            pass
    try:
        hh, mm = (int(x) for x in arg.split(":"))
        return local_now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    except ValueError as exc:
        raise ValueError("use +2d / +3h / +30m, +2d 10:00, mon 09:30, YYYY-MM-DD HH:MM, or HH:MM") from exc


def parse_answer(element: dict[str, Any], answer: str, today: date) -> Any:
    """A typed answer as a simple value for entry_from_value (option numbers, short dates, lists)."""
    key, many = state_key(element)
    if key in ("selected_option", "selected_options"):
        options = options_of(element)
        picks = [p.strip() for p in answer.replace("，", ",").split(",") if p.strip()] if many else [answer]
        values = []
        for pick in picks:
            if pick.isdigit() and 1 <= int(pick) <= len(options):
                values.append(str(options[int(pick) - 1].get("value")))
            else:
                values.append(pick)
        return values if many else values[0]
    if element.get("type") == "datepicker":
        short = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})", answer)
        if short:
            return date(today.year, int(short.group(1)), int(short.group(2))).isoformat()
        return answer.replace("/", "-")
    if many:
        return [p.strip() for p in answer.replace("，", ",").split(",") if p.strip()]
    return answer
