"""The bulletin (督办通报) as one Block Kit message that always fits Slack's limits.

Long lists are cut to a few entries with "and N more"; every section stays under 3000 characters
and the whole message under 50 blocks, whatever the number of items or departments. Confidential
items are counted everywhere but named only to readers allowed to see them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block

from bot.domain.periods import Period
from bot.domain.read_models import BulletinView
from bot.domain.statistics import (
    SPLIT_ORDER,
    Figures,
    ItemSnapshot,
    Light,
    OfficeLimits,
)
from bot.domain.urge_modes import UrgeMode
from messages.blocks import MESSAGE_BLOCKS, context, divider, header, message, section
from messages.bulletin_labels import (
    LIGHT_EMOJI,
    department_name,
    item_label,
    kind_label,
    percent,
    period_label,
)
from messages.i18n import format_date, format_datetime, render, t, tp
from messages.text import Mrkdwn, escape, number

SECTION_BUDGET = 2900  # a little under Slack's 3000 so the "and N more" line always fits
LIST_ENTRIES = 15
DEPARTMENT_ROWS = 20


def bounded(title: str, lines: list[str], more: Any, *, entries: int = LIST_ENTRIES) -> str:
    """``title`` and as many ``lines`` as fit (at most ``entries``), then ``more(n)`` for the rest."""
    text = title
    shown = 0
    for line in lines[:entries]:
        candidate = f"{text}\n{line}"
        if len(candidate) > SECTION_BUDGET - 120:
            break
        text, shown = candidate, shown + 1
    rest = len(lines) - shown
    if rest:
        text += "\n" + more(rest)
    return text


def _lights(figures: Figures) -> str:
    order = (Light.RED, Light.YELLOW, Light.GREEN)
    return " ".join(f"{LIGHT_EMOJI[light]} {figures.lights[light]}" for light in order)


def _summary(view: BulletinView, locale: str) -> str:
    f, config = view.stats.total, view.stats.config
    return render(
        locale,
        "bulletin_summary",
        f=f,
        rate=percent(f.on_time_rate, locale),
        rate_original=percent(f.on_time_rate_original, locale),
        completion_rate=percent(f.completion_rate, locale),
        urge=number(f.average_urge_rounds),
        score=f"{f.score:+d}",
        config=config,
    )


def _split(view: BulletinView, locale: str) -> str:
    f = view.stats.total
    lines = [t(locale, "bulletin.split_title")]
    for kind in SPLIT_ORDER:
        lines.append(
            t(
                locale,
                "bulletin.split_line",
                label=Mrkdwn(t(locale, f"bulletin.split_{kind.value}")),
                new=f.split_new[kind],
                carried=f.split_carried[kind],
            )
        )
    return "\n".join(lines)


def _departments(view: BulletinView, locale: str) -> str:
    lines = []
    for key, f in view.stats.departments.items():
        lines.append(
            t(
                locale,
                "bulletin.dept_line",
                name=department_name(key, view.departments, locale),
                active=f.active,
                completed=f.completed,
                on_time=f.completed_on_time,
                completion_rate=percent(f.completion_rate, locale),
                rate=percent(f.on_time_rate, locale),
                rate_original=percent(f.on_time_rate_original, locale),
                overdue=f.overdue,
                overdue_days=f.overdue_days,
                returns=f.returns,
                urge=number(f.average_urge_rounds),
                score=f"{f.score:+d}",
                lights=Mrkdwn(_lights(f)),
            )
        )
    if not lines:
        lines.append(t(locale, "bulletin.none"))
    return bounded(
        t(locale, "bulletin.dept_title"),
        lines,
        lambda n: t(locale, "bulletin.more_departments", count=n),
        entries=DEPARTMENT_ROWS,
    )


def _open_items(view: BulletinView, locale: str, can_see: bool) -> str:
    stats = view.stats
    lines = []
    for entry in stats.open_items:
        if entry.overdue_days:
            status = t(locale, "bulletin.status_overdue", days=entry.overdue_days)
        elif entry.workdays_left is not None:
            status = t(locale, "bulletin.status_left", days=entry.workdays_left)
        else:
            status = t(locale, "bulletin.status_no_deadline")
        if entry.item.health in ("at_risk", "blocked"):
            status += " · " + t(locale, f"bulletin.health_{entry.item.health}")
        lines.append(
            t(
                locale,
                "bulletin.light_line",
                light=Mrkdwn(LIGHT_EMOJI[entry.light]),
                label=Mrkdwn(item_label(entry.item, locale, can_see_confidential=can_see)),
                dept=department_name(entry.item.department, view.departments, locale),
                status=Mrkdwn(status),
            )
        )
    lights = stats.total.lights
    title = t(
        locale,
        "bulletin.lights_title",
        red=lights[Light.RED],
        yellow=lights[Light.YELLOW],
        green=lights[Light.GREEN],
    )
    return _list(title, lines, stats.total.open, locale)


def _list(title: str, lines: list[str], total: int, locale: str) -> str:
    if not lines:
        return f"{title}\n{t(locale, 'bulletin.none')}"
    # ``total`` may exceed len(lines) when the statistics kept only the first entries.
    hidden = total - len(lines)
    return bounded(title, lines, lambda n: t(locale, "bulletin.more", count=n + max(0, hidden)))


def _praise(view: BulletinView, locale: str, can_see: bool) -> str:
    lines = []
    for mention in view.stats.praise:
        why = (
            t(locale, "bulletin.praise_early", days=mention.days_early)
            if "early" in mention.reasons
            else t(locale, "bulletin.praise_on_time")
        )
        lines.append(_mention_line(view, mention.item, why, locale, can_see))
    return _list(t(locale, "bulletin.praise_title"), lines, len(lines), locale)


def _criticism(view: BulletinView, locale: str, can_see: bool) -> str:
    lines = []
    for mention in view.stats.criticism:
        parts = []
        for reason in mention.reasons:
            if reason == "overdue":
                parts.append(t(locale, "bulletin.reason_overdue", days=mention.overdue_days))
            elif reason == "returns":
                parts.append(t(locale, "bulletin.reason_returns", count=mention.item.return_count))
            else:
                parts.append(t(locale, f"bulletin.reason_{reason}"))
        lines.append(
            _mention_line(
                view, mention.item, "；".join(parts) if locale == "zh" else "; ".join(parts), locale, can_see
            )
        )
    title = t(locale, "bulletin.criticism_title", days=view.stats.config.criticism_overdue_days)
    return _list(title, lines, len(lines), locale)


def _mention_line(view: BulletinView, item: ItemSnapshot, why: str, locale: str, can_see: bool) -> str:
    return t(
        locale,
        "bulletin.mention_line",
        label=Mrkdwn(item_label(item, locale, can_see_confidential=can_see)),
        dept=department_name(item.department, view.departments, locale),
        why=Mrkdwn(why),
    )


def _escalated(view: BulletinView, locale: str, can_see: bool) -> str:
    lines = [
        t(
            locale,
            "bulletin.escalated_line",
            label=Mrkdwn(item_label(item, locale, can_see_confidential=can_see)),
            dept=department_name(item.department, view.departments, locale),
            date=format_date(item.escalated_at.astimezone(_zone(view.tz)).date(), locale)
            if item.escalated_at
            else "",
        )
        for item in view.stats.escalated
    ]
    return _list(t(locale, "bulletin.escalated_title"), lines, len(lines), locale)


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _urgings(urgings: Mapping[UrgeMode, int], locale: str) -> str:
    parts = [
        t(locale, "bulletin.urging_part", mode=tp(locale, f"urge_mode.{mode.value}"), count=count)
        for mode, count in urgings.items()
    ]
    total = sum(urgings.values())
    return t(locale, "bulletin.urging_line", total=total, parts=Mrkdwn(" · ".join(parts)))


def _office(office: OfficeLimits, locale: str) -> str:
    return (
        t(locale, "bulletin.office_title")
        + "\n"
        + t(
            locale,
            "bulletin.office_line",
            registered=office.registered,
            registered_ok=office.registered - office.registered_late,
            proposed=office.proposed_checked,
            proposed_ok=office.proposed_checked - office.proposed_late,
            issued=office.issued_checked,
            issued_ok=office.issued_checked - office.issued_late,
            reviewed=office.reviews_checked,
            reviewed_ok=office.reviews_checked - office.reviews_late,
            waiting=office.reviews_waiting_late,
        )
    )


def _footer(view: BulletinView, locale: str) -> list[str]:
    config = view.stats.config
    text = render(
        locale,
        "bulletin_footer",
        yellow=config.yellow_workdays,
        overdue_days=config.criticism_overdue_days,
        returns=config.criticism_returns,
        on_time=f"{config.score_on_time:+d}",
        late=f"{config.score_late:+d}",
        ret=f"{config.score_return:+d}",
    )
    chunks, current = [], ""
    for line in text.splitlines():
        if current and len(current) + len(line) + 1 > SECTION_BUDGET:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def headline(view: BulletinView, locale: str) -> str:
    stats = view.stats
    kind = stats.period.kind.value
    return tp(
        locale,
        "bulletin.header",
        kind=kind_label(kind, locale),
        period=period_label(stats.period, locale),
    )


def bulletin_message(
    view: BulletinView, locale: str, *, can_see_confidential: bool = False, preview: bool = False
) -> dict[str, Any]:
    """The whole bulletin as one chat.postMessage / ephemeral body (≤ 50 blocks, ≤ 3000 per section)."""
    stats = view.stats
    kind = stats.period.kind.value
    blocks: list[Block] = [header(headline(view, locale))]
    notes = [t(locale, "bulletin.as_of", date=format_date(stats.as_of, locale), tz=view.tz)]
    if preview:
        notes.append(t(locale, "bulletin.preview_note", word=tp(locale, f"bulletin.word_{kind}")))
    blocks.append(context(*notes))
    blocks.append(section(_summary(view, locale)))
    blocks.append(section(_split(view, locale)))
    blocks.append(divider())
    blocks.append(section(_departments(view, locale)))
    blocks.append(section(_open_items(view, locale, can_see_confidential)))
    blocks.append(divider())
    blocks.append(section(_praise(view, locale, can_see_confidential)))
    blocks.append(section(_criticism(view, locale, can_see_confidential), block_id="criticism"))
    blocks.append(section(_escalated(view, locale, can_see_confidential)))
    if view.urgings:
        blocks.append(section(_urgings(view.urgings, locale)))
    if view.office is not None:
        blocks.append(section(_office(view.office, locale)))
    blocks.append(divider())
    blocks.extend(context(chunk) for chunk in _footer(view, locale))
    assert len(blocks) <= MESSAGE_BLOCKS
    f = stats.total
    fallback = t(
        locale,
        "bulletin.fallback",
        kind=kind_label(kind, locale),
        period=period_label(stats.period, locale),
        new=f.new,
        completed=f.completed,
        open=f.open,
        overdue=f.overdue,
    )
    return message(fallback, blocks)


def summary_content(view: BulletinView) -> dict[str, Any]:
    """The headline figures as JSON (kept with the bulletin row for the record)."""
    f = view.stats.total
    return {
        "period": view.stats.period.key,
        "as_of": view.stats.as_of.isoformat(),
        "active": f.active,
        "new": f.new,
        "completed": f.completed,
        "open": f.open,
        "overdue": f.overdue,
        "on_time_rate": f.on_time_rate,
        "on_time_rate_original": f.on_time_rate_original,
        "returns": f.returns,
        "score": f.score,
    }


def chart_upload(period: Period, locale: str, channel: str, content_base64: str) -> dict[str, Any]:
    """The outbox payload of the chart upload (pseudo-method ``files.uploadV2``)."""
    kind, label = kind_label(period.kind.value, locale), period_label(period, locale)
    return {
        "filename": tp(locale, "bulletin.chart_filename", period_key=period.key),
        "title": tp(locale, "bulletin.chart_title", kind=kind, period=label),
        "channel_id": channel,
        "initial_comment": t(locale, "bulletin.chart_comment", period=label),
        "content_base64": content_base64,
    }


def post_reply(outcome: Any, locale: str, tz: str) -> dict[str, Any]:
    """Answer to ``/duban bulletin … post`` (outcome: bot.services.bulletins.PostOutcome)."""
    kind, label = kind_label(outcome.kind, locale), period_label(outcome.period, locale)
    if outcome.channel is None:
        text = t(locale, "bulletin.no_channel")
    elif getattr(outcome, "signers", None):  # DUBAN_BULLETIN_SIGNOFF: a draft for the leader first
        text = t(
            locale,
            "signoff.drafted",
            label=f"{kind} {label}",
            who=Mrkdwn(", ".join(f"<@{u}>" for u in outcome.signers)),
        )
    elif outcome.posted:
        text = t(locale, "bulletin.posted", kind=kind, period=label, channel=Mrkdwn(escape(outcome.channel)))
    else:
        at = outcome.already.posted_at or outcome.already.created_at if outcome.already else None
        text = t(
            locale,
            "bulletin.already_posted",
            kind=kind,
            period=label,
            at=format_datetime(at, locale, tz) if at else "",
        )
    return {"text": text}
