"""Reports (反馈 / 续报), review (审核) and the roll-up of decomposed items: plain rules, no I/O."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.errors import DomainError, raise_all
from bot.domain.evidence import Attachment, from_links, merged
from bot.domain.lifecycle import State

TEXT_MAX = 3000  # Slack's limit for a text input, stated in every form
REASONS_MAX = 3000


def clip(text: str, limit: int) -> str:
    """Shorten to Slack's field limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReportKind(StrEnum):
    PROGRESS = "progress"  # 续报
    FINAL = "final"  # 办结反馈
    DELAY = "delay"  # 延期说明
    NOTE = "note"  # a reply in the notice thread


class Health(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"


class Decision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


# The regulations' review criteria (审核要点), in the order the form shows them.
CHECKLIST: tuple[str, ...] = ("policy", "intent", "facts", "conclusion", "format")
RECTIFICATION_CHECK = "verified_on_site"  # 整改: closed-loop verification on site

REVIEWABLE_STATES = frozenset({State.REPORTED, State.UNDER_REVIEW})


def checklist_for(kind: str) -> tuple[str, ...]:
    return CHECKLIST + ((RECTIFICATION_CHECK,) if kind == "rectification" else ())


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What an owner typed into the report form (raw; ``validate_report`` checks it)."""

    kind: str | None
    percent: str | None
    status: str | None
    done: str = ""
    problems: str = ""
    next_steps: str = ""
    expected: date | None = None
    links: str = ""
    files: tuple[Attachment, ...] = ()  # attached in the form (佐证材料)


@dataclass(frozen=True, slots=True)
class ValidReport:
    kind: ReportKind
    percent: int
    health: Health
    done: str
    problems: str
    next_steps: str
    expected: date | None
    links: str
    evidence: tuple[Attachment, ...] = ()  # the form's files, then its links: one per link


def _text(value: str, field: str) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError("text_too_long", length=len(text), max=TEXT_MAX, field=field)
    return text


def validate_report(raw: ReportInput, today: date) -> ValidReport:
    """The form's rules; every refusal names the field it is about, all of them at once."""
    errors: list[DomainError] = []
    kind: ReportKind | None = None
    with contextlib.suppress(ValueError):
        kind = ReportKind(raw.kind or "")
    if kind is None or kind is ReportKind.NOTE:
        errors.append(DomainError("report_kind_required", field="kind"))
    percent: int | None = None
    with contextlib.suppress(TypeError, ValueError):
        percent = int(str(raw.percent).strip())
    if percent is None or not 0 <= percent <= 100:
        errors.append(DomainError("percent_invalid", field="percent"))
    health: Health | None = None
    try:
        health = Health(raw.status or "")
    except ValueError:
        errors.append(DomainError("status_required", field="status"))
    texts: dict[str, str] = {}
    for name, value in (
        ("done", raw.done),
        ("problems", raw.problems),
        ("next_steps", raw.next_steps),
        ("links", raw.links),
    ):
        try:
            texts[name] = _text(value, name)
        except DomainError as error:
            errors.append(error)
            texts[name] = ""
    done, problems = texts["done"], texts["problems"]
    if not done and not any(e.field == "done" for e in errors):
        errors.append(DomainError("done_required", field="done"))
    if raw.expected is not None and raw.expected < today:
        errors.append(DomainError("date_in_past", date=raw.expected.isoformat(), field="expected"))
    if kind is ReportKind.DELAY:
        if not problems and not any(e.field == "problems" for e in errors):
            errors.append(DomainError("delay_reason_required", field="problems"))
        if raw.expected is None:
            errors.append(DomainError("delay_date_required", field="expected"))
    if kind is ReportKind.FINAL and percent is not None and 0 <= percent <= 100 and percent != 100:
        errors.append(DomainError("final_needs_100", field="percent"))
    raise_all(errors)
    assert kind is not None and percent is not None and health is not None
    evidence = merged(raw.files, from_links(texts["links"]))
    return ValidReport(
        kind, percent, health, done, problems, texts["next_steps"], raw.expected, texts["links"], evidence
    )


@dataclass(frozen=True, slots=True)
class ReviewInput:
    decision: str | None
    checked: frozenset[str]
    reasons: str = ""
    new_due: date | None = None


@dataclass(frozen=True, slots=True)
class ValidReview:
    decision: Decision
    checklist: dict[str, bool]
    reasons: str
    new_due: date | None


def validate_review(raw: ReviewInput, item_kind: str, today: date) -> ValidReview:
    """Approval needs every criterion met; a return needs reasons and a new deadline after today."""
    try:
        decision = Decision(raw.decision or "")
    except ValueError:
        raise DomainError("decision_required", field="decision") from None
    criteria = checklist_for(item_kind)
    checklist = {c: c in raw.checked for c in criteria}
    reasons = (raw.reasons or "").strip()
    if len(reasons) > REASONS_MAX:
        raise DomainError("text_too_long", length=len(reasons), max=REASONS_MAX, field="reasons")
    if decision is Decision.APPROVE:
        if not all(checklist.values()):
            raise DomainError("checklist_incomplete", field="checklist")
        return ValidReview(decision, checklist, reasons, None)
    errors: list[DomainError] = []
    if not reasons:
        errors.append(DomainError("return_reasons_required", field="reasons"))
    if raw.new_due is None:
        errors.append(DomainError("return_due_required", field="new_due"))
    elif raw.new_due <= today:
        errors.append(DomainError("return_due_in_past", date=raw.new_due.isoformat(), field="new_due"))
    raise_all(errors)  # a return missing both its reasons and its deadline says so at once
    return ValidReview(decision, checklist, reasons, raw.new_due)


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """A stored report as the services and messages see it."""

    id: int
    item_id: int
    author_id: str
    kind: str
    percent: int | None
    status: str | None
    done: str
    problems: str
    next_steps: str
    expected_date: date | None
    source: str
    created_at: datetime
    links: str = ""


@dataclass(frozen=True, slots=True)
class ChildSummary:
    """One sub-item of a decomposed item (分解), as the parent's card shows it."""

    item_id: int
    number: str
    title: str
    state: State
    percent_done: int | None
    lead_id: str | None = None
    confidential: bool = False


@dataclass(frozen=True, slots=True)
class RollUp:
    done: int
    total: int
    average_percent: int


FINISHED = frozenset({State.COMPLETED, State.ARCHIVED, State.CLOSED})


def child_done(child: ChildSummary) -> bool:
    return child.state in FINISHED


def rollup(children: list[ChildSummary]) -> RollUp:
    """Children finished out of all, and their average percent (a finished child counts as 100)."""
    if not children:
        return RollUp(0, 0, 0)
    percents = [100 if child_done(c) else (c.percent_done or 0) for c in children]
    return RollUp(
        sum(1 for c in children if child_done(c)), len(children), round(sum(percents) / len(percents))
    )


def open_children(children: list[ChildSummary]) -> list[ChildSummary]:
    return [c for c in children if not child_done(c)]


def review_overdue_since(state: State, review_due: date | None, today: date) -> date | None:
    """The day the office's review limit ran out, when an item still waits for review after it."""
    if review_due is None or state not in REVIEWABLE_STATES:
        return None
    return review_due if today > review_due else None


@dataclass(frozen=True, slots=True)
class Timeliness:
    on_time_original: bool
    on_time_current: bool
    days_late_original: int
    days_late_current: int


def timeliness(finished_on: date, original_due: date, current_due: date) -> Timeliness:
    """On time or late against the deadline as first set and as it stood at the end."""
    late_original = max(0, (finished_on - original_due).days)
    late_current = max(0, (finished_on - current_due).days)
    return Timeliness(late_original == 0, late_current == 0, late_original, late_current)
