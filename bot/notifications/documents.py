"""Documents the services keep as well as send, rendered on this side of the seam: the dossier (卷宗)
kept with the archived item, a bulletin's stored summary and chart, and an instruction's line in the
requirements. The services call these instead of ``messages``."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot.domain.events import ItemEvent
from bot.domain.items import Item
from bot.domain.periods import Period
from bot.domain.read_models import BulletinView, Reader
from bot.domain.statistics import Figures
from messages import bulletin_labels, bulletins, charts
from messages import dossier as dossier_messages
from messages import reports as report_messages
from messages import signoff as signoff_messages


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
    org_tz: str,
) -> tuple[dict[str, Any], str]:
    """The dossier of an archived item: its data (kept as JSON) and its HTML (kept and sent). The notices'
    own texts are kept as they were issued, in the organisation's time zone."""
    notices = dossier_messages.notice_texts(item, org_tz)
    data = dossier_messages.dossier_data(item, events, parts, names, notices)
    return data, dossier_messages.dossier_html(data, locale, tz, generated_at=generated_at, by=by)


def dossier_again(data: dict[str, Any], locale: str, tz: str, *, generated_at: datetime, by: str) -> str:
    """An archived dossier asked for again: its kept data, in this reader's language and time zone."""
    return dossier_messages.dossier_html(data, locale, tz, generated_at=generated_at, by=by)


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


def bulletin_draft(
    view: BulletinView, period: Period, locale: str, channel: str, chart: bytes | None
) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    """A bulletin kept for the leader's sign-off: its label, its message and its chart's upload, rendered
    now so the draft publishes exactly as the leader saw it."""
    kind = bulletin_labels.kind_label(period.kind.value, locale)
    label = f"{kind} {bulletin_labels.period_label(period, locale)}"
    body = bulletins.bulletin_message(view, locale, can_see_confidential=False)
    upload = None
    if chart is not None:
        upload = bulletins.chart_upload(period, locale, channel, base64.b64encode(chart).decode("ascii"))
    return label, body, upload


def signed_draft(reader: Reader, body: dict[str, Any], *, note: str, criticism: bool) -> dict[str, Any]:
    """The draft as the leader signed it: their note added, the criticism list kept or withheld."""
    return signoff_messages.edited(reader, body, note=note, criticism=criticism)


def signoff_stamp(
    reader: Reader, label: str, body: dict[str, Any], by: str | None, at: datetime | None
) -> dict[str, Any]:
    """The draft message restamped "published by … at …"."""
    return signoff_messages.signed_stamp(reader, label, body, by, at)
