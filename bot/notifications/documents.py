"""Documents the services keep as well as send, rendered on this side of the seam: the dossier (卷宗)
kept with the archived item, a bulletin's stored summary and chart, and an instruction's line in the
requirements. The services call these instead of ``messages``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot.domain.events import ItemEvent
from bot.domain.items import Item
from bot.domain.periods import Period
from bot.domain.read_models import BulletinView
from bot.domain.statistics import Figures
from messages import bulletins, charts
from messages import dossier as dossier_messages
from messages import reports as report_messages


def dossier(
    item: Item,
    events: list[ItemEvent],
    parts: Any,
    names: dict[str, str],
    locale: str,
    tz: str,
    *,
    generated_at: datetime,
    by: str,
) -> tuple[dict[str, Any], str]:
    """The dossier of an archived item: its data (kept as JSON) and its HTML (kept and sent)."""
    data = dossier_messages.dossier_data(item, events, parts, names)
    return data, dossier_messages.dossier_html(data, locale, tz, generated_at=generated_at, by=by)


def bulletin_summary(view: BulletinView) -> dict[str, Any]:
    """What a posted bulletin said, kept with its row."""
    return bulletins.summary_content(view)


def bulletin_chart(
    departments: Mapping[str, Figures],
    names: Mapping[str, tuple[str, str]],
    trend: Sequence[Any],
    *,
    locale: str,
    period: Period,
) -> bytes:
    """The bulletin's chart as PNG (drawn before the claiming transaction: it takes a while)."""
    return charts.bulletin_chart(departments, names, trend, locale=locale, period=period)


def requirement_line(locale: str, who: str, day: date, text: str) -> str:
    """A leader's instruction as it is appended to the item's requirements (the org's language)."""
    return report_messages.requirement_line(locale, who, day, text)
