"""The App Home tab (督办工作台) per role, paged to stay within Slack's 100 blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.domain.statistics import Light
from messages.blocks import MODAL_BLOCKS, actions, button, context, divider, header, section, to_dicts
from messages.bulletin_labels import LIGHT_EMOJI, DepartmentName, department_name, item_label, percent
from messages.i18n import format_date, format_datetime, t, tp
from messages.notices import EXTEND, OPEN, REPORT
from messages.text import Mrkdwn, clip, mention

HOME_PAGE_NEXT = "home_page_next"
HOME_PAGE_PREV = "home_page_prev"
PAGE_BUDGET = MODAL_BLOCKS - 4  # header, context and navigation around each page
LINES_PER_SECTION = 10


def _status(entry: Any, locale: str) -> str:
    done = getattr(entry, "finished", None)
    if done is not None:  # a completed item shows how it finished
        if done.days_late:
            return t(locale, "regs.finished_late", days=done.days_late)
        if done.days_early:
            return t(locale, "regs.finished_early", days=done.days_early)
        return t(locale, "regs.finished_on_time")
    if entry.overdue_days:
        return t(locale, "bulletin.status_overdue", days=entry.overdue_days)
    if entry.workdays_left is not None:
        return t(locale, "bulletin.status_left", days=entry.workdays_left)
    return ""


def _line(entry: Any, locale: str) -> str:
    item = entry.item
    return t(
        locale,
        "home.item_line",
        light=Mrkdwn(LIGHT_EMOJI[entry.light]),
        label=Mrkdwn(item_label(item, locale, can_see_confidential=True)),
        state=t(locale, f"state.{item.state}"),
        due=format_date(item.current_due, locale)
        if item.current_due
        else t(locale, "bulletin.status_no_deadline"),
        status=Mrkdwn(_status(entry, locale)),
    )


def _with_open(text: str, item_id: int | None, locale: str) -> Block:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, 3000)),
        accessory=button(tp(locale, "button.open"), OPEN, str(item_id)),
    )


def _chunked(lines: list[str]) -> list[list[Block]]:
    return [
        [section("\n".join(lines[i : i + LINES_PER_SECTION]))]
        for i in range(0, len(lines), LINES_PER_SECTION)
    ]


def _group(title: str, rows: list[list[Block]], locale: str) -> list[list[Block]]:
    """A titled group: the title travels with the first row so it never ends a page alone."""
    if not rows:
        return [[divider(), header(title), section(t(locale, "home.empty"))]]
    return [[divider(), header(title), *rows[0]], *rows[1:]]


def rows_for(data: Any, locale: str, tz: str) -> list[list[Block]]:
    """Every row of the home tab, in order (a row is one or more blocks that stay together)."""
    rows: list[list[Block]] = []
    mine = [
        [
            section(_line(e, locale)),
            actions(
                button(tp(locale, "button.report"), REPORT, str(e.item.item_id)),
                button(tp(locale, "button.extend"), EXTEND, str(e.item.item_id)),
                button(tp(locale, "button.open"), OPEN, str(e.item.item_id)),
            ),
        ]
        for e in data.mine
    ]
    if mine or not (data.is_supervisor or data.is_leader):
        rows += _group(tp(locale, "home.header_owner"), mine, locale)
    if data.is_supervisor:
        review = [[_with_open(_line(e, locale), e.item.item_id, locale)] for e in data.awaiting_review]
        rows += _group(tp(locale, "home.header_review"), review, locale)
        urge_lines = [
            t(
                locale,
                "home.urge_line",
                label=Mrkdwn(item_label(u.item, locale, can_see_confidential=True)),
                rung=t(locale, f"rung.{u.rung}") if _has_rung(locale, u.rung) else u.rung,
                at=format_datetime(u.sent_at, locale, tz) if isinstance(u.sent_at, datetime) else "",
                who=mention(u.recipient_id) if u.recipient_id else "",
            )
            for u in data.unanswered_urges
        ]
        rows += _group(tp(locale, "home.header_urges"), _chunked(urge_lines), locale)
        overdue = [[_with_open(_line(e, locale), e.item.item_id, locale)] for e in data.overdue]
        rows += _group(tp(locale, "home.header_overdue"), overdue, locale)
    if data.is_leader:
        names = {k: DepartmentName(zh, en) for k, (zh, en) in data.department_names.items()}
        dept_lines = [
            t(
                locale,
                "home.dept_line",
                name=department_name(key, names, locale),
                open=f.open,
                red=f.lights[Light.RED],
                yellow=f.lights[Light.YELLOW],
                green=f.lights[Light.GREEN],
                rate=percent(f.on_time_rate, locale),
            )
            for key, f in data.departments.items()
        ]
        rows += _group(tp(locale, "home.header_departments"), _chunked(dept_lines), locale)
        approval = [[_with_open(_line(e, locale), e.item.item_id, locale)] for e in data.awaiting_approval]
        rows += _group(tp(locale, "home.header_approval"), approval, locale)
        done = [[_with_open(_line(e, locale), e.item.item_id, locale)] for e in data.recently_completed]
        rows += _group(tp(locale, "home.header_instruction"), done, locale)
    return rows


def _has_rung(locale: str, rung: str) -> bool:
    from messages.i18n import has

    return has(locale, f"rung.{rung}")


def paginate(rows: list[list[Block]], budget: int = PAGE_BUDGET) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    for row in rows:
        if pages[-1] and len(pages[-1]) + len(row) > budget:
            pages.append([])
        pages[-1].extend(row[:budget])
    return pages


def home_view(
    data: Any, locale: str, tz: str, now: datetime, page: int = 0, extra: list[list[Block]] | None = None
) -> dict[str, Any]:
    """The ``views.publish`` view of ``page`` (clamped to the pages there are); ``extra`` rows (such as
    the admin section) come after the role's own."""
    pages = paginate(rows_for(data, locale, tz) + (extra or []))
    page = max(0, min(page, len(pages) - 1))
    blocks: list[Block] = [
        header(tp(locale, "home.title")),
        context(
            t(locale, "home.updated", at=format_datetime(now, locale, tz))
            + (" · " + t(locale, "home.page", page=page + 1, pages=len(pages)) if len(pages) > 1 else "")
        ),
        *pages[page],
    ]
    nav = []
    if page > 0:
        nav.append(button(tp(locale, "home.previous"), HOME_PAGE_PREV, str(page - 1)))
    if page + 1 < len(pages):
        nav.append(button(tp(locale, "home.next"), HOME_PAGE_NEXT, str(page + 1)))
    if nav:
        blocks.append(actions(*nav))
    return {"type": "home", "blocks": to_dicts(blocks, limit=MODAL_BLOCKS)}
