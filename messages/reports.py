"""Block Kit for reports (反馈), review (审核), completion feedback (督查反馈), instructions (批示),
proposals for approval (拟办呈批). The item card's progress section is in messages/progress.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.items import Item
from bot.domain.reports import Decision, ReportKind, ReportRecord, Timeliness
from messages.blocks import actions, button, context, fields, header, message, section
from messages.i18n import format_date, format_datetime, t, tp
from messages.notices import OPEN, REPORT, deadline_for, owners_line
from messages.text import Mrkdwn, clip, escape, mention
from messages.view_models import Reader

# Buttons
REVIEW = "item_review"
INSTRUCT = "item_instruct"
PROPOSAL_APPROVE = "proposal_approve"
PROPOSAL_CHANGE = "proposal_change"
PROPOSAL_REJECT = "proposal_reject"
SUMMARY_LIMIT = 600


# -- helpers ------------------------------------------------------------------------------------


def intro(item: Item) -> dict[str, Any]:
    return {"number": str(item.number), "title": item.title}


def report_summary(loc: str, report: ReportRecord | None) -> list[Any]:
    """The essentials of a report, clipped (the full text stays in the dossier)."""
    if report is None:
        return []
    blocks: list[Any] = []
    meta = t(
        loc,
        "reports.msg.summary_meta",
        percent=report.percent if report.percent is not None else "-",
        health=t(loc, f"reports.health.{report.status}") if report.status else "-",
        expected=format_date(report.expected_date, loc) if report.expected_date else "",
    )
    blocks.append(context(meta))
    for key, text in (
        ("summary_done", report.done),
        ("summary_problems", report.problems),
        ("summary_next", report.next_steps),
        ("summary_links", report.links),
    ):
        if text:
            blocks.append(section(t(loc, f"reports.msg.{key}") + "\n" + escape(clip(text, SUMMARY_LIMIT))))
    return blocks


def _plain(text: str) -> dict[str, Any]:
    return {"text": clip(text, 3000)}


# -- reports ------------------------------------------------------------------------------------


def report_received(reader: Reader, item: Item, report: ReportRecord, *, co: bool, again: bool) -> dict:
    loc, number = reader.locale, str(item.number)
    if again:
        return _plain(t(loc, "reports.msg.received_again", number=number))
    if report.kind == ReportKind.FINAL.value and co:
        return _plain(t(loc, "reports.msg.received_final_co", number=number, lead=mention(item.lead.user_id)))
    if report.kind == ReportKind.FINAL.value:
        due = format_date(item.review_due, loc) if item.review_due else "-"
        return _plain(t(loc, "reports.msg.received_final", number=number, review_due=due))
    return _plain(
        t(
            loc,
            "reports.msg.received_progress",
            number=number,
            kind=t(loc, f"reports.kind.{report.kind}"),
            percent=report.percent,
            health=t(loc, f"reports.health.{report.status}"),
        )
    )


def co_part_done(reader: Reader, item: Item, author_id: str) -> dict[str, Any]:
    return _plain(t(reader.locale, "reports.msg.co_part_done", who=mention(author_id), **intro(item)))


def review_request(reader: Reader, item: Item, report: ReportRecord) -> dict[str, Any]:
    loc = reader.locale
    due = format_date(item.review_due, loc) if item.review_due else "-"
    text = t(loc, "reports.msg.review_request", who=mention(report.author_id), review_due=due, **intro(item))
    value = str(item.id)
    blocks = [section(text), *report_summary(loc, report)]
    blocks.append(
        actions(
            button(tp(loc, "reports.button.review"), REVIEW, value, style="primary"),
            button(tp(loc, "button.open"), OPEN, value),
            block_id=f"review:{item.id}",
        )
    )
    return message(text, blocks)


# -- review -------------------------------------------------------------------------------------


def returned_notice(reader: Reader, item: Item, reviewer_id: str, reasons: str, org_tz: str) -> dict:
    loc = reader.locale
    text = t(
        loc,
        "reports.msg.returned",
        who=mention(reviewer_id),
        due=Mrkdwn(deadline_for(item, reader, org_tz)),
        **intro(item),
    )
    value = str(item.id)
    blocks = [
        section(text),
        section(t(loc, "reports.msg.reasons") + "\n" + escape(reasons)),
        actions(
            button(tp(loc, "button.report"), REPORT, value, style="primary"),
            button(tp(loc, "button.open"), OPEN, value),
            block_id=f"returned:{item.id}:{item.return_count}",
        ),
    ]
    return message(text, blocks)


def completed_owner(reader: Reader, item: Item, reviewer_id: str) -> dict[str, Any]:
    return _plain(t(reader.locale, "reports.msg.completed_owner", who=mention(reviewer_id), **intro(item)))


def review_done(reader: Reader, item: Item, decision: str, *, again: bool) -> dict[str, Any]:
    loc, number = reader.locale, str(item.number)
    if again:
        return _plain(t(loc, "reports.msg.review_again", number=number))
    if decision == Decision.APPROVE.value:
        return _plain(t(loc, "reports.msg.review_done_approve", number=number))
    return _plain(
        t(
            loc,
            "reports.msg.review_done_return",
            number=number,
            count=item.return_count,
            due=format_date(item.current_due, loc),
        )
    )


def _verdict(loc: str, late_days: int) -> str:
    return t(loc, "reports.msg.on_time") if late_days == 0 else t(loc, "reports.msg.late", days=late_days)


def feedback(
    reader: Reader,
    item: Item,
    report: ReportRecord | None,
    reviewer_id: str,
    timely: Timeliness,
    reported_on: date,
) -> dict[str, Any]:
    """督查反馈 to a leader: the whole story in short, and a button to add an instruction."""
    loc = reader.locale
    rect = item.kind == "rectification"
    number = str(item.number)
    lead, co = owners_line(item)
    owners = lead + (", " + co if co else "")
    intro = t(
        loc,
        "reports.msg.feedback_rect_intro" if rect else "reports.msg.feedback_intro",
        who=mention(reviewer_id),
        title=item.title,
    )
    blocks: list[Any] = [
        header(
            tp(
                loc,
                "reports.msg.feedback_rect_header" if rect else "reports.msg.feedback_header",
                number=number,
            )
        ),
        section(intro),
        fields(
            t(loc, "reports.msg.feedback_owners") + "\n" + owners,
            t(loc, "reports.msg.feedback_assigned")
            + "\n"
            + format_date(item.created_at.astimezone(_tz(reader)).date(), loc),
            t(loc, "reports.msg.feedback_original")
            + "\n"
            + format_date(item.original_due, loc)
            + " · "
            + _verdict(loc, timely.days_late_original),
            t(loc, "reports.msg.feedback_current")
            + "\n"
            + format_date(item.current_due, loc)
            + " · "
            + _verdict(loc, timely.days_late_current),
            t(loc, "reports.msg.feedback_reported") + "\n" + format_date(reported_on, loc),
            t(loc, "reports.msg.feedback_returns") + "\n" + str(item.return_count),
        ),
    ]
    if report is not None:
        blocks.append(
            section(t(loc, "reports.msg.feedback_summary") + "\n" + escape(clip(report.done, SUMMARY_LIMIT)))
        )
    blocks.append(context(t(loc, "reports.msg.feedback_ask")))
    value = str(item.id)
    blocks.append(
        actions(
            button(tp(loc, "reports.button.instruct"), INSTRUCT, value, style="primary"),
            button(tp(loc, "button.open"), OPEN, value),
            block_id=f"feedback:{item.id}",
        )
    )
    return message(tp(loc, "reports.msg.feedback_header", number=number) + " " + item.title, blocks)


def _tz(reader: Reader) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(reader.tz)


# -- instructions -------------------------------------------------------------------------------


def requirement_line(locale: str, who: str, day: date, text: str) -> str:
    """The instruction as it is appended to the stored requirements (plain text, org language)."""
    return tp(locale, "reports.msg.requirement_line", who=who, date=day.isoformat(), text=text)


def instructed_notice(reader: Reader, item: Item, leader_id: str, text: str, org_tz: str) -> dict:
    loc = reader.locale
    head = t(
        loc,
        "reports.msg.instructed",
        who=mention(leader_id),
        due=Mrkdwn(deadline_for(item, reader, org_tz)),
        **intro(item),
    )
    value = str(item.id)
    blocks = [
        section(head),
        section(t(loc, "reports.msg.instruction") + "\n" + escape(text)),
        actions(
            button(tp(loc, "button.report"), REPORT, value, style="primary"),
            button(tp(loc, "button.open"), OPEN, value),
        ),
    ]
    return message(head, blocks)


def instruct_done(reader: Reader, item: Item, *, again: bool) -> dict[str, Any]:
    loc, number = reader.locale, str(item.number)
    if again:
        return _plain(t(loc, "reports.msg.instruct_again", number=number))
    return _plain(t(loc, "reports.msg.instruct_done", number=number, state=t(loc, f"state.{item.state}")))


# -- proposals for approval (拟办呈批) ------------------------------------------------------------


def _proposal_blocks(reader: Reader, item: Item, org_tz: str) -> list[Any]:
    loc = reader.locale
    lead, co = owners_line(item)
    blocks: list[Any] = [
        header(tp(loc, "reports.msg.proposal_header", number=str(item.number))),
        section(t(loc, "reports.msg.proposal_intro", who=mention(item.assigner_id))),
        section(t(loc, "notice.title") + "\n" + escape(item.title)),
    ]
    if item.requirements:
        blocks.append(section(t(loc, "notice.requirements") + "\n" + escape(clip(item.requirements, 2500))))
    blocks.append(
        fields(
            t(loc, "notice.lead") + "\n" + lead,
            t(loc, "notice.co") + "\n" + (co or t(loc, "notice.none")),
            t(loc, "notice.due") + "\n" + deadline_for(item, reader, org_tz),
            t(loc, "notice.source") + "\n" + t(loc, f"source.{item.source.value}"),
        )
    )
    return blocks


def proposal(reader: Reader, item: Item, org_tz: str) -> dict[str, Any]:
    loc, value = reader.locale, str(item.id)
    blocks = _proposal_blocks(reader, item, org_tz)
    blocks.append(
        actions(
            button(tp(loc, "reports.button.approve"), PROPOSAL_APPROVE, value, style="primary"),
            button(tp(loc, "reports.button.change"), PROPOSAL_CHANGE, value),
            button(tp(loc, "reports.button.reject"), PROPOSAL_REJECT, value, style="danger"),
            block_id=f"proposal:{item.id}",
        )
    )
    return message(tp(loc, "reports.msg.proposal_header", number=str(item.number)) + " " + item.title, blocks)


def proposal_decided(reader: Reader, item: Item, approved: bool, by: str, at: datetime, org_tz: str) -> dict:
    """The proposal again, its buttons replaced by who decided when."""
    loc = reader.locale
    blocks = _proposal_blocks(reader, item, org_tz)
    key = "reports.msg.proposal_decided_approve" if approved else "reports.msg.proposal_decided_reject"
    blocks.append(context(t(loc, key, who=mention(by), at=format_datetime(at, loc, reader.tz))))
    return message(tp(loc, "reports.msg.proposal_header", number=str(item.number)) + " " + item.title, blocks)


def proposed(reader: Reader, item: Item) -> dict[str, Any]:
    """The assigner's confirmation when the item went to the leaders instead of being issued."""
    return _plain(t(reader.locale, "reports.msg.proposed", **intro(item)))


def proposal_outcome(reader: Reader, item: Item, approved: bool, by: str) -> dict[str, Any]:
    """To the supervisor who proposed it."""
    loc = reader.locale
    if approved:
        owners = Mrkdwn(", ".join(mention(o.user_id) for o in item.owners))
        text = t(
            loc,
            "reports.msg.proposal_approved",
            who=mention(by),
            owners=owners,
            due=format_date(item.current_due, loc),
            **intro(item),
        )
    else:
        text = t(loc, "reports.msg.proposal_rejected", who=mention(by), **intro(item))
    return _plain(text)


def proposal_done(reader: Reader, item: Item, approved: bool) -> dict[str, Any]:
    """To the leader who decided."""
    loc, number = reader.locale, str(item.number)
    if approved:
        owners = Mrkdwn(", ".join(mention(o.user_id) for o in item.owners))
        return _plain(t(loc, "reports.msg.proposal_done_approve", number=number, owners=owners))
    return _plain(t(loc, "reports.msg.proposal_done_reject", number=number))


# -- the office's time limits, FYI closing, the item card ---------------------------------------


def review_overdue(reader: Reader, item: Item, since: date) -> dict[str, Any]:
    loc = reader.locale
    text = t(loc, "reports.msg.review_overdue", since=format_date(since, loc), **intro(item))
    value = str(item.id)
    blocks = [
        section(text),
        actions(
            button(tp(loc, "reports.button.review"), REVIEW, value, style="primary"),
            button(tp(loc, "button.open"), OPEN, value),
        ),
    ]
    return message(text, blocks)


def fyi_closed(reader: Reader, item: Item) -> dict[str, Any]:
    return _plain(t(reader.locale, "reports.msg.fyi_closed", **intro(item)))
