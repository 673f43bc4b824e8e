"""The working-day calendar in words: `/duban holiday` answers and the notes on typed dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from bot.domain.read_models import Note
from messages.blocks import context, to_dicts
from messages.i18n import format_date, format_datetime, t
from messages.text import Mrkdwn, mention

# Keyword in the packages' English holiday names -> catalog key (first match wins).
_HOLIDAY_KEYS = (
    ("new year's eve", "spring"),
    ("chinese new year", "spring"),
    ("spring festival", "spring"),
    ("new year", "new_year"),
    ("tomb", "tomb"),
    ("labo", "labour"),
    ("dragon", "dragon"),
    ("mid-autumn", "mid_autumn"),
    ("national day", "national"),
    ("anti-fascist", "anti_fascist"),
    ("substituted", "substitute"),
    ("day off", "substitute"),
)


def holiday_label(name: str | None, loc: str) -> str:
    """A package's English holiday name in the reader's language (unknown names kept as they are)."""
    if not name:
        return ""
    lower = name.lower()
    key = next((key for word, key in _HOLIDAY_KEYS if word in lower), None)
    if key is None:
        return name
    label = t(loc, f"cal.holiday.{key}")
    if "(observed)" in lower:
        label += t(loc, "cal.holiday.observed")
    return label


def note_text(loc: str, note: Note) -> str:
    """One note, dates formatted for the reader."""
    key, params = note
    shown = {k: Mrkdwn(format_date(v, loc)) if isinstance(v, date) else v for k, v in params.items()}
    if "holiday" in shown:
        shown["holiday"] = holiday_label(shown["holiday"], loc)
    return t(loc, key, **shown)


def note_blocks(loc: str, notes: Iterable[Note]) -> list[Any]:
    return [context(note_text(loc, note)) for note in notes]


def with_notes(reply: dict[str, Any], loc: str, notes: Iterable[Note]) -> dict[str, Any]:
    """A reply with the date notes added (as context blocks, or as lines of a plain text reply)."""
    notes = list(notes)
    if not notes:
        return reply
    if "blocks" in reply:
        return {**reply, "blocks": [*reply["blocks"], *to_dicts(note_blocks(loc, notes))]}
    return {**reply, "text": "\n".join([reply.get("text", ""), *(note_text(loc, n) for n in notes)])}


def _span(first: date, last: date, loc: str) -> str:
    if first == last:
        return format_date(first, loc)
    return t(loc, "cal.span", first=format_date(first, loc), last=format_date(last, loc))


def holiday(reader: Any, result: Any) -> dict[str, Any]:
    """Answer to /duban holiday (result: bot.services.calendar_admin.HolidayResult)."""
    loc = reader.locale
    if result.action in ("off", "work"):
        span = _span(result.day, result.until or result.day, loc)
        lines = [t(loc, f"cal.set_{result.action}", span=span, note=result.note or "", count=result.count)]
        lines.append(t(loc, "cal.next_step", year=result.day.year))
        return {"text": "\n".join(lines)}
    if result.action == "clear":
        span = _span(result.day, result.until or result.day, loc)
        key = "cal.cleared" if result.changed else "cal.clear_none"
        return {"text": t(loc, key, span=span, count=result.count)}
    if result.action == "confirm":
        if result.status == "official":
            return {"text": t(loc, "cal.confirmed_published", year=result.year)}
        lines = [t(loc, "cal.confirmed", year=result.year, off=result.entered_off, work=result.entered_work)]
        if not result.entered_off:
            lines.append(t(loc, "cal.confirmed_empty", year=result.year))
        return {"text": "\n".join(lines)}
    return {"text": _listing(reader, result)[:3000]}


def _listing(reader: Any, result: Any) -> str:
    loc = reader.locale
    lines = [t(loc, "cal.list_header", year=result.year)]
    if result.status == "entered":
        lines.append(
            t(
                loc,
                "cal.status_entered",
                who=Mrkdwn(mention(result.confirmed_by)) if result.confirmed_by else "",
                at=format_datetime(result.confirmed_at, loc, reader.tz) if result.confirmed_at else "",
            )
        )
    else:
        lines.append(t(loc, f"cal.status_{result.status}", year=result.year))
    groups = _groups(result.days, loc, reader.tz)
    lines.extend(
        t(loc, "cal.line", span=_span(first, last, loc), **params) for first, last, params in groups
    )
    if not groups:
        lines.append(t(loc, "cal.no_days"))
    return "\n".join(lines)


def _groups(days: list[Any], loc: str, tz: str | None) -> list[tuple[date, date, dict[str, Any]]]:
    """Consecutive days that say the same thing, as one line each."""
    groups: list[tuple[date, date, dict[str, Any]]] = []
    for listed in days:
        if listed.source.value == "entered":
            source = t(
                loc,
                "cal.source_entered",
                who=Mrkdwn(mention(listed.by)) if listed.by else "",
                at=format_datetime(listed.at, loc, tz) if listed.at else "",
            )
        else:
            source = t(loc, f"cal.source_{listed.source.value}")
        params = {
            "kind": t(loc, "cal.kind_work" if listed.is_workday else "cal.kind_off"),
            "name": holiday_label(listed.name, loc),
            "note": listed.note,
            "source": Mrkdwn(source),
        }
        if groups and groups[-1][1] + timedelta(days=1) == listed.day and groups[-1][2] == params:
            groups[-1] = (groups[-1][0], listed.day, params)
        else:
            groups.append((listed.day, listed.day, params))
    return groups
