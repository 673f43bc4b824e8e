"""The modals for reports, review, instructions and proposal changes, and reading what they submit."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement  # not re-exported by blocks
from slack_sdk.models.views import View

from bot.domain.due_dates import picked_date
from bot.domain.evidence import from_slack_files, merged
from bot.domain.items import Item
from bot.domain.reports import (
    TEXT_MAX,
    Decision,
    Health,
    ReportInput,
    ReportKind,
    ReportRecord,
    ReviewInput,
    checklist_for,
)
from messages.blocks import MODAL_BLOCKS, context, divider, section, to_dicts
from messages.i18n import format_datetime, t, tp
from messages.reports import intro, report_summary
from messages.text import clip, mention
from messages.view_models import Reader

# Modals (callback ids); block_id == action_id == the field name the services use in DomainError.field
REPORT_CALLBACK = "report_modal"
REVIEW_CALLBACK = "review_modal"
INSTRUCT_CALLBACK = "instruct_modal"
CHANGE_CALLBACK = "proposal_change_modal"
KIND, PERCENT, STATUS, DONE, PROBLEMS, NEXT_STEPS, EXPECTED, LINKS, FILES = (
    "kind",
    "percent",
    "status",
    "done",
    "problems",
    "next_steps",
    "expected",
    "links",
    "files",
)
REPORT_FIELDS = (KIND, PERCENT, STATUS, DONE, PROBLEMS, NEXT_STEPS, EXPECTED, LINKS, FILES)
FORM_FILES_MAX = 10  # Slack's file_input takes 1 to 10 files
CHECKLIST, DECISION, REASONS, NEW_DUE = "checklist", "decision", "reasons", "new_due"
REVIEW_FIELDS = (CHECKLIST, DECISION, REASONS, NEW_DUE)
TEXT, LEAD, DUE = "text", "lead", "due"


# -- helpers ------------------------------------------------------------------------------------


def _pt(loc: str, key: str, limit: int = 2000, **params: Any) -> PlainTextObject:
    return PlainTextObject(text=clip(tp(loc, key, **params), limit), emoji=True)


def _option(loc: str, value: str, key: str) -> Option:
    return Option(value=value, label=clip(tp(loc, key), 75))


def _text_input(
    loc: str, block: str, label: str, hint: str, *, optional: bool, multiline: bool = True
) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=_pt(loc, label),
        hint=_pt(loc, hint),
        optional=optional,
        element=PlainTextInputElement(action_id=block, multiline=multiline, max_length=TEXT_MAX),
    )


def _modal(loc: str, callback: str, title: str, submit: str, item_id: int | None, blocks: list[Any]) -> dict:
    view = View(
        type="modal",
        callback_id=callback,
        title=_pt(loc, title, 24),
        submit=_pt(loc, submit, 24),
        close=_pt(loc, "reports.modal.cancel", 24),
        private_metadata=str(item_id or ""),
        blocks=blocks,
    )
    to_dicts(blocks, limit=MODAL_BLOCKS)
    return view.to_dict()


def _element(values: dict[str, dict[str, dict[str, Any]]], block: str) -> dict[str, Any]:
    return values.get(block, {}).get(block, {})


def _picked(values: dict[str, dict[str, dict[str, Any]]], block: str) -> str | None:
    return (_element(values, block).get("selected_option") or {}).get("value")


def _date(values: dict[str, dict[str, dict[str, Any]]], block: str) -> date | None:
    return picked_date(_element(values, block).get("selected_date"), block)


# -- the report form ----------------------------------------------------------------------------


def report_modal(loc: str, item: Item, *, co_owner: bool) -> dict[str, Any]:
    kinds = [_option(loc, k.value, f"reports.kind.{k.value}") for k in ReportKind if k is not ReportKind.NOTE]
    health = [_option(loc, h.value, f"reports.health.{h.value}") for h in Health]
    blocks: list[Any] = [section(t(loc, "reports.modal.intro", **intro(item)))]
    if co_owner:
        blocks.append(context(t(loc, "reports.modal.co_part")))
    blocks += [
        InputBlock(
            block_id=KIND,
            label=_pt(loc, "reports.modal.kind_label"),
            hint=_pt(loc, "reports.modal.kind_hint"),
            element=StaticSelectElement(action_id=KIND, options=kinds, initial_option=kinds[0]),
        ),
        InputBlock(
            block_id=PERCENT,
            label=_pt(loc, "reports.modal.percent_label"),
            hint=_pt(loc, "reports.modal.percent_hint"),
            element=NumberInputElement(
                action_id=PERCENT,
                is_decimal_allowed=False,
                min_value=0,
                max_value=100,
                initial_value=item.percent_done if item.percent_done is not None else None,
            ),
        ),
        InputBlock(
            block_id=STATUS,
            label=_pt(loc, "reports.modal.status_label"),
            element=StaticSelectElement(action_id=STATUS, options=health, initial_option=health[0]),
        ),
        _text_input(loc, DONE, "reports.modal.done_label", "reports.modal.done_hint", optional=False),
        _text_input(
            loc, PROBLEMS, "reports.modal.problems_label", "reports.modal.problems_hint", optional=True
        ),
        _text_input(loc, NEXT_STEPS, "reports.modal.next_label", "reports.modal.next_hint", optional=True),
        InputBlock(
            block_id=EXPECTED,
            label=_pt(loc, "reports.modal.expected_label"),
            hint=_pt(loc, "reports.modal.expected_hint"),
            optional=True,
            element=DatePickerElement(action_id=EXPECTED),
        ),
        _text_input(loc, LINKS, "reports.modal.links_label", "reports.modal.links_hint", optional=True),
        InputBlock(  # 佐证材料: Slack's file_input (modals only; needs files:read)
            block_id=FILES,
            label=_pt(loc, "reports.modal.files_label"),
            hint=_pt(loc, "reports.modal.files_hint", most=FORM_FILES_MAX),
            optional=True,
            element=FileInputElement(action_id=FILES, max_files=FORM_FILES_MAX),
        ),
    ]
    return _modal(loc, REPORT_CALLBACK, "reports.modal.title", "reports.modal.submit", item.id, blocks)


def read_report_state(values: dict[str, dict[str, dict[str, Any]]]) -> ReportInput:
    """The report form's values, typed (raw: ``validate_report`` checks them)."""
    return ReportInput(
        kind=_picked(values, KIND),
        percent=_element(values, PERCENT).get("value"),
        status=_picked(values, STATUS),
        done=_element(values, DONE).get("value") or "",
        problems=_element(values, PROBLEMS).get("value") or "",
        next_steps=_element(values, NEXT_STEPS).get("value") or "",
        expected=_date(values, EXPECTED),
        links=_element(values, LINKS).get("value") or "",
        files=merged(from_slack_files(_element(values, FILES).get("files"))),
    )


# -- review -------------------------------------------------------------------------------------


def review_modal(reader: Reader, item: Item, report: ReportRecord | None) -> dict[str, Any]:
    loc = reader.locale
    checks = [_option(loc, c, f"reports.check.{c}") for c in checklist_for(item.kind)]
    decisions = [
        _option(loc, Decision.APPROVE.value, "reports.review_modal.decision_approve"),
        _option(loc, Decision.RETURN.value, "reports.review_modal.decision_return"),
    ]
    blocks: list[Any] = [section(t(loc, "reports.review_modal.intro", **intro(item)))]
    if report is None:
        blocks.append(context(t(loc, "reports.review_modal.no_report")))
    else:
        blocks.append(
            context(
                t(
                    loc,
                    "reports.review_modal.report_by",
                    who=mention(report.author_id),
                    at=format_datetime(report.created_at, loc, reader.tz),
                    percent=report.percent if report.percent is not None else "-",
                )
            )
        )
        blocks += report_summary(loc, report)[1:]
    blocks += [
        divider(),
        InputBlock(
            block_id=CHECKLIST,
            label=_pt(loc, "reports.review_modal.checklist_label"),
            hint=_pt(loc, "reports.review_modal.checklist_hint"),
            optional=True,
            element=CheckboxesElement(action_id=CHECKLIST, options=checks),
        ),
        InputBlock(
            block_id=DECISION,
            label=_pt(loc, "reports.review_modal.decision_label"),
            element=RadioButtonsElement(action_id=DECISION, options=decisions),
        ),
        _text_input(
            loc,
            REASONS,
            "reports.review_modal.reasons_label",
            "reports.review_modal.reasons_hint",
            optional=True,
        ),
        InputBlock(
            block_id=NEW_DUE,
            label=_pt(loc, "reports.review_modal.new_due_label"),
            hint=_pt(loc, "reports.review_modal.new_due_hint"),
            optional=True,
            element=DatePickerElement(action_id=NEW_DUE),
        ),
    ]
    return _modal(
        loc, REVIEW_CALLBACK, "reports.review_modal.title", "reports.review_modal.submit", item.id, blocks
    )


def read_review_state(values: dict[str, dict[str, dict[str, Any]]]) -> ReviewInput:
    """The review form's values, typed (raw: ``validate_review`` checks them)."""
    checked = {o["value"] for o in _element(values, CHECKLIST).get("selected_options") or []}
    return ReviewInput(
        decision=_picked(values, DECISION),
        checked=frozenset(checked),
        reasons=_element(values, REASONS).get("value") or "",
        new_due=_date(values, NEW_DUE),
    )


# -- instructions -------------------------------------------------------------------------------


def instruct_modal(loc: str, item: Item) -> dict[str, Any]:
    blocks: list[Any] = [
        section(t(loc, "reports.instruct_modal.intro", state=t(loc, f"state.{item.state}"), **intro(item))),
        _text_input(
            loc, TEXT, "reports.instruct_modal.text_label", "reports.instruct_modal.text_hint", optional=False
        ),
        InputBlock(
            block_id=NEW_DUE,
            label=_pt(loc, "reports.instruct_modal.new_due_label"),
            hint=_pt(loc, "reports.instruct_modal.new_due_hint"),
            optional=True,
            element=DatePickerElement(action_id=NEW_DUE),
        ),
    ]
    return _modal(
        loc,
        INSTRUCT_CALLBACK,
        "reports.instruct_modal.title",
        "reports.instruct_modal.submit",
        item.id,
        blocks,
    )


def read_instruct_state(values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    return {TEXT: _element(values, TEXT).get("value") or "", NEW_DUE: _date(values, NEW_DUE)}


# -- proposals: the change form ------------------------------------------------------------------


def change_modal(loc: str, item: Item) -> dict[str, Any]:
    blocks: list[Any] = [
        section(t(loc, "reports.change_modal.intro", **intro(item))),
        InputBlock(
            block_id=LEAD,
            label=_pt(loc, "reports.change_modal.lead_label"),
            element=UserSelectElement(action_id=LEAD, initial_user=item.lead.user_id),
        ),
        InputBlock(
            block_id=DUE,
            label=_pt(loc, "reports.change_modal.due_label"),
            element=DatePickerElement(action_id=DUE, initial_date=item.current_due.isoformat()),
        ),
    ]
    return _modal(
        loc, CHANGE_CALLBACK, "reports.change_modal.title", "reports.change_modal.submit", item.id, blocks
    )


def read_change_state(values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    return {LEAD: _element(values, LEAD).get("selected_user"), DUE: _date(values, DUE)}
