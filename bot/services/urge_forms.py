"""The urging forms as filled in: every wrong field is refused at once (one ``response_action:
errors``), else the form goes to :class:`~bot.services.urge_actions.UrgeActionService`."""

from __future__ import annotations

from typing import Any

from bot.domain import form_checks
from bot.domain.urge_modes import UrgeMode
from bot.services.urge_actions import UrgeActionService, UrgeResult
from bot.services.urge_answers import AnswerResult


async def answer_notice(
    service: UrgeActionService, actor_id: str, record_id: int, values: dict[str, Any], *, request_key: str
) -> tuple[AnswerResult, bool]:
    """The written urging notice's answer form (reason, progress, new date)."""
    form = form_checks.notice_answer(
        values.get("reason"), values.get("progress"), values.get("new_date"), service.ctx.today()
    )
    return await service.answer_notice(
        actor_id,
        record_id,
        reason=form.reason,
        progress=form.progress,
        new_date=form.new_date,
        request_key=request_key,
    )


async def log_call(
    service: UrgeActionService,
    actor_id: str,
    item_id: int,
    values: dict[str, Any],
    *,
    tz: str,
    request_key: str,
    mode: UrgeMode = UrgeMode.PHONE,
) -> UrgeResult:
    """The call-log form, its date and time read in the logger's timezone ``tz``."""
    form = form_checks.call_log(
        values.get("call_date"),
        values.get("call_time"),
        tz,
        values.get("answered_by"),
        values.get("summary"),
        values.get("promised"),
        service.ctx.now(),
    )
    return await service.log_call(
        actor_id,
        item_id,
        callee_id=values["callee"],
        called_at=form.called_at,
        answered_by=form.answered_by,
        summary=form.summary,
        promised=form.promised,
        request_key=request_key,
        mode=mode,
    )
