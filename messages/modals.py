"""Modals: the assignment form (新建督办事项)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.items import REQUIREMENTS_MAX, TITLE_MAX, SourceKind
from bot.domain.register import BASIS_MAX, DOC_NUMBER_MAX
from messages.i18n import tp

ASSIGN_CALLBACK = "assign_modal"
# block_id == action_id == the field name the services use in DomainError.field
TITLE, REQUIREMENTS, LEAD, CO, DUE, SOURCE, FLAGS = (
    "title",
    "requirements",
    "lead",
    "co",
    "due",
    "source",
    "flags",
)
CADENCE = "cadence"
RECEIVED, DOC_NUMBER, BASIS = "received", "doc_number", "basis"  # register fields (登记要素)
FLAG_VALUES = ("confidential", "fyi", "urgent")


def _label(loc: str, key: str) -> PlainTextObject:
    return PlainTextObject(text=tp(loc, key)[:2000], emoji=True)


def assign_modal(loc: str, *, private_metadata: str = "") -> dict[str, Any]:
    sources = [Option(value=kind.value, label=tp(loc, f"source.{kind.value}")[:75]) for kind in SourceKind]
    flags = [Option(value=v, label=tp(loc, f"modal.flag_{v}")[:75]) for v in FLAG_VALUES]
    blocks = [
        InputBlock(
            block_id=TITLE,
            label=_label(loc, "modal.title_label"),
            hint=_label(loc, "modal.title_hint"),
            element=PlainTextInputElement(action_id=TITLE, max_length=TITLE_MAX),
        ),
        InputBlock(
            block_id=REQUIREMENTS,
            label=_label(loc, "modal.requirements_label"),
            hint=_label(loc, "modal.requirements_hint"),
            optional=True,
            element=PlainTextInputElement(
                action_id=REQUIREMENTS, multiline=True, max_length=REQUIREMENTS_MAX
            ),
        ),
        InputBlock(
            block_id=LEAD, label=_label(loc, "modal.lead_label"), element=UserSelectElement(action_id=LEAD)
        ),
        InputBlock(
            block_id=CO,
            label=_label(loc, "modal.co_label"),
            optional=True,
            element=UserMultiSelectElement(action_id=CO, max_selected_items=20),
        ),
        InputBlock(
            block_id=DUE,
            label=_label(loc, "modal.due_label"),
            hint=_label(loc, "modal.due_hint"),
            optional=True,
            element=DatePickerElement(action_id=DUE),
        ),
        InputBlock(
            block_id=CADENCE,
            label=_label(loc, "modal.cadence_label"),
            hint=_label(loc, "modal.cadence_hint"),
            optional=True,
            element=PlainTextInputElement(action_id=CADENCE, max_length=64),
        ),
        InputBlock(
            block_id=SOURCE,
            label=_label(loc, "modal.source_label"),
            element=StaticSelectElement(action_id=SOURCE, options=sources, initial_option=sources[0]),
        ),
        InputBlock(
            block_id=RECEIVED,
            label=_label(loc, "register.received_label"),
            hint=_label(loc, "register.received_hint"),
            optional=True,
            element=DatePickerElement(action_id=RECEIVED),
        ),
        InputBlock(
            block_id=DOC_NUMBER,
            label=_label(loc, "register.doc_number_label"),
            hint=_label(loc, "register.doc_number_hint"),
            optional=True,
            element=PlainTextInputElement(action_id=DOC_NUMBER, max_length=DOC_NUMBER_MAX),
        ),
        InputBlock(
            block_id=BASIS,
            label=_label(loc, "register.basis_label"),
            hint=_label(loc, "register.basis_hint"),
            optional=True,
            element=PlainTextInputElement(action_id=BASIS, multiline=True, max_length=BASIS_MAX),
        ),
        InputBlock(
            block_id=FLAGS,
            label=_label(loc, "modal.flags_label"),
            optional=True,
            element=CheckboxesElement(action_id=FLAGS, options=flags),
        ),
    ]
    view = View(
        type="modal",
        callback_id=ASSIGN_CALLBACK,
        title=PlainTextObject(text=tp(loc, "modal.title")[:24]),
        submit=PlainTextObject(text=tp(loc, "modal.submit")[:24]),
        close=PlainTextObject(text=tp(loc, "modal.cancel")[:24]),
        private_metadata=private_metadata[:3000],
        blocks=blocks,
    )
    return view.to_dict()


def read_assign_state(values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Pull the submitted values out of view.state.values (None for empty optional fields)."""

    def element(block: str) -> dict[str, Any]:
        return values.get(block, {}).get(block, {})

    flags = {o["value"] for o in element(FLAGS).get("selected_options") or []}
    source = (element(SOURCE).get("selected_option") or {}).get("value")
    return {
        TITLE: element(TITLE).get("value") or "",
        REQUIREMENTS: element(REQUIREMENTS).get("value") or "",
        LEAD: element(LEAD).get("selected_user"),
        CO: list(element(CO).get("selected_users") or []),
        DUE: element(DUE).get("selected_date"),
        CADENCE: (element(CADENCE).get("value") or "").strip() or None,
        SOURCE: source,
        FLAGS: flags,
        RECEIVED: element(RECEIVED).get("selected_date"),
        DOC_NUMBER: element(DOC_NUMBER).get("value") or "",
        BASIS: element(BASIS).get("value") or "",
    }
