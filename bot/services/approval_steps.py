"""Where a proposal (拟办呈批) waits, read from the database: the stage and who may act on it
(``bot.domain.approval``), and since when it has waited there."""

from __future__ import annotations

from datetime import datetime

from bot.domain.approval import ApprovalStep, current_step
from bot.domain.items import Item
from bot.domain.ports import UnitOfWork
from bot.services.context import ServiceContext


async def approval_step(ctx: ServiceContext, uow: UnitOfWork, item: Item) -> tuple[ApprovalStep, datetime]:
    """The step ``item`` is at, and when it got there (proposed, or reviewed by the unit's leader)."""
    assert item.id is not None
    settings = ctx.settings
    reviewed_at = await uow.follow.proposal_reviewed_at(item.id) if settings.approval_levels >= 2 else None
    unit_leaders: tuple[str, ...] = ()
    if settings.approval_levels >= 2:
        departments = await uow.people.departments_of(item.lead.user_id)
        unit_leaders = tuple(d.leader_user_id for d in departments if d.leader_user_id)
    step = current_step(
        settings.approval_levels,
        reviewed=reviewed_at is not None,
        unit_leaders=unit_leaders,
        principal=settings.principal,
    )
    return step, reviewed_at or item.created_at
