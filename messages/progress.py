"""The item card's progress section: percent done, health and returns, an overdue review, and the
roll-up of decomposed items (their titles hidden from readers who may not see them)."""

from __future__ import annotations

from typing import Any

from bot.domain.reports import ChildSummary, rollup
from messages.blocks import context, section
from messages.i18n import format_date, t
from messages.text import Mrkdwn, mention
from messages.view_models import ItemDetail, Reader


def _child_title(reader: Reader, child: ChildSummary) -> str:
    if child.confidential and not (reader.can_see_confidential or child.lead_id == reader.user_id):
        return Mrkdwn(t(reader.locale, "list.confidential_title"))
    return child.title


def progress_blocks(reader: Reader, detail: ItemDetail) -> list[Any]:
    """What the item card adds for reports: progress, the review limit, and the sub-items roll-up."""
    loc, item = reader.locale, detail.item
    blocks: list[Any] = []
    if item.percent_done is not None or item.return_count:
        blocks.append(
            context(
                t(
                    loc,
                    "reports.msg.progress_line",
                    percent=item.percent_done if item.percent_done is not None else 0,
                    health=t(loc, f"reports.health.{item.health}") if item.health else "",
                    returns=item.return_count,
                )
            )
        )
    since = detail.review_overdue_since
    if since is not None:
        blocks.append(context(t(loc, "reports.msg.review_overdue_line", date=format_date(since, loc))))
    children = detail.children
    if children:
        roll = rollup(children)
        lines = [
            t(loc, "reports.msg.children", done=roll.done, total=roll.total, percent=roll.average_percent)
        ]
        for child in children[:20]:
            lines.append(
                t(
                    loc,
                    "reports.msg.child",
                    number=child.number,
                    title=_child_title(reader, child),
                    state=t(loc, f"state.{child.state}"),
                    percent=child.percent_done or 0,
                    lead=mention(child.lead_id) if child.lead_id else "-",
                )
            )
        blocks.append(section("\n".join(lines)))
    return blocks
