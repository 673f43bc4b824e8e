"""Refuse what Slack refuses: Block Kit blocks, views and view_submission answers.

Two layers. slack_sdk's Block Kit models parse every block and view and run their own `validate_json()`
(types, most length limits). On top, the rules Slack documents and enforces that the models leave out:
unique `action_id` within a block, unique `block_id` within a message or view, element and option limits,
required fields, plain_text where Slack insists on it, non-empty text, and the shapes of `response_action`.
Messages read like Slack's `response_metadata.messages`: "[ERROR] <what> [json-pointer:<where>]".
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.emulator.blocks import INTERACTIVE_TYPES

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000
MAX_ID = 255

ELEMENT_TYPES = INTERACTIVE_TYPES | {"image", "workflow_button", "file_input"}
_SELECTS_WITH_OPTIONS = frozenset({"static_select", "multi_static_select"})
_TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
RESPONSE_ACTIONS = frozenset({"errors", "update", "push", "clear"})


def _error(what: str, where: str) -> str:
    return f"[ERROR] {what} [json-pointer:{where}]"


def _check_text(
    obj: Any, where: str, errors: list[str], *, limit: int, plain_only: bool = False, required: bool = True
) -> None:
    """A text object: the right type, not empty (Slack: 'must be more than 0 characters'), within `limit`."""
    if obj is None:
        if required:
            errors.append(_error("missing required field: text", where))
        return
    if not isinstance(obj, dict) or obj.get("type") not in _TEXT_TYPES:
        errors.append(_error("must be a text object of type plain_text or mrkdwn", where))
        return
    if plain_only and obj["type"] != "plain_text":
        errors.append(_error("must be a plain_text object", f"{where}/type"))
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        errors.append(_error("must be more than 0 characters", f"{where}/text"))
    elif len(text) > limit:
        errors.append(_error(f"must be less than {limit + 1} characters", f"{where}/text"))


def _check_options(options: Any, where: str, errors: list[str], *, low: int, high: int) -> None:
    if not isinstance(options, list) or not low <= len(options) <= high:
        errors.append(_error(f"must provide between {low} and {high} options", where))
        return
    for i, opt in enumerate(options):
        at = f"{where}/{i}"
        if not isinstance(opt, dict):
            errors.append(_error("an option must be an object", at))
            continue
        _check_text(opt.get("text"), f"{at}/text", errors, limit=75)
        value = opt.get("value")
        if not isinstance(value, str) or not value:
            errors.append(_error("missing required field: value", f"{at}/value"))
        elif len(value) > 150:
            errors.append(_error("must be less than 151 characters", f"{at}/value"))


def _check_file_input(element: dict[str, Any], where: str, errors: list[str], *, allowed: bool) -> None:
    """Slack: a file_input lives only in an input block of a modal, max_files from 1 to 10 (default 10) and
    filetypes as extensions. Its action_id is optional (Slack makes one up), as for every element."""
    if not allowed:
        errors.append(_error("file_input is only allowed in an input block of a modal", f"{where}/type"))
    most = element.get("max_files")
    if most is not None and (isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= 10):
        errors.append(_error("max_files must be an integer from 1 to 10", f"{where}/max_files"))
    kinds = element.get("filetypes")
    if kinds is not None and (
        not isinstance(kinds, list) or not all(isinstance(k, str) and k for k in kinds)
    ):
        errors.append(_error("filetypes must be a list of file extensions", f"{where}/filetypes"))


def _check_element(element: Any, where: str, errors: list[str], *, files_allowed: bool = False) -> None:
    if not isinstance(element, dict) or element.get("type") not in ELEMENT_TYPES:
        kind = element.get("type") if isinstance(element, dict) else element
        errors.append(_error(f"unsupported element type {kind!r}", where))
        return
    kind = element["type"]
    action_id = element.get("action_id")
    if action_id is not None and (not isinstance(action_id, str) or not 0 < len(action_id) <= MAX_ID):
        errors.append(_error(f"action_id must be 1 to {MAX_ID} characters", f"{where}/action_id"))
    if kind == "file_input":
        _check_file_input(element, where, errors, allowed=files_allowed)
    elif kind == "button":
        _check_text(element.get("text"), f"{where}/text", errors, limit=75, plain_only=True)
        if element.get("value") is not None and len(str(element["value"])) > 2000:
            errors.append(_error("must be less than 2001 characters", f"{where}/value"))
        if element.get("url") is not None and len(str(element["url"])) > 3000:
            errors.append(_error("must be less than 3001 characters", f"{where}/url"))
        if element.get("style") not in (None, "primary", "danger"):
            errors.append(_error("must be primary or danger", f"{where}/style"))
    elif kind in _SELECTS_WITH_OPTIONS and "option_groups" not in element:
        _check_options(element.get("options"), f"{where}/options", errors, low=1, high=100)
    elif kind == "overflow":
        _check_options(element.get("options"), f"{where}/options", errors, low=1, high=5)
    elif kind in ("checkboxes", "radio_buttons"):
        _check_options(element.get("options"), f"{where}/options", errors, low=1, high=10)
    elif kind == "image":
        if not element.get("image_url") and not element.get("slack_file"):
            errors.append(_error("missing required field: image_url", where))
        if not element.get("alt_text"):
            errors.append(_error("missing required field: alt_text", f"{where}/alt_text"))
    if element.get("placeholder") is not None:
        _check_text(element["placeholder"], f"{where}/placeholder", errors, limit=150, plain_only=True)


def _unique_action_ids(elements: list[Any], where: str, errors: list[str]) -> None:
    """Slack: an action_id must be unique among all other action_ids in the containing block."""
    seen: set[str] = set()
    for i, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if not action_id:
            continue
        if action_id in seen:
            errors.append(_error(f"duplicate action_id {action_id!r} in the block", f"{where}/elements/{i}"))
        seen.add(action_id)


def _sdk_check(block: dict[str, Any], where: str, errors: list[str]) -> None:
    try:
        parsed = Block.parse(block)
        if parsed is None:
            errors.append(_error(f"unsupported block type {block.get('type')!r}", f"{where}/type"))
            return
        parsed.validate_json()
    except SlackObjectFormationError as exc:
        errors.append(_error(str(exc), where))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a shape the models cannot even read
        errors.append(_error(f"malformed block ({exc})", where))


def _check_block(block: dict[str, Any], where: str, errors: list[str], surface: str) -> None:
    _sdk_check(block, where, errors)
    kind = block["type"]
    if kind == "section":
        fields = block.get("fields")
        if block.get("text") is None and not fields:
            errors.append(_error("a section needs text or fields", where))
        if block.get("text") is not None:
            _check_text(block["text"], f"{where}/text", errors, limit=3000)
        if fields is not None:
            if not isinstance(fields, list) or not 0 < len(fields) <= 10:
                errors.append(_error("must provide between 1 and 10 fields", f"{where}/fields"))
            else:
                for i, f in enumerate(fields):
                    _check_text(f, f"{where}/fields/{i}", errors, limit=2000)
        if block.get("accessory") is not None:
            _check_element(block["accessory"], f"{where}/accessory", errors)
    elif kind == "header":
        _check_text(block.get("text"), f"{where}/text", errors, limit=150, plain_only=True)
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= 25:
            errors.append(_error("must provide between 1 and 25 elements", f"{where}/elements"))
            return
        for i, element in enumerate(elements):
            _check_element(element, f"{where}/elements/{i}", errors)
        _unique_action_ids(elements, where, errors)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= 10:
            errors.append(_error("must provide between 1 and 10 elements", f"{where}/elements"))
            return
        for i, element in enumerate(elements):
            at = f"{where}/elements/{i}"
            if isinstance(element, dict) and element.get("type") == "image":
                _check_element(element, at, errors)
            else:
                _check_text(element, at, errors, limit=3000)
    elif kind == "input":
        _check_text(block.get("label"), f"{where}/label", errors, limit=2000, plain_only=True)
        if block.get("hint") is not None:
            _check_text(block["hint"], f"{where}/hint", errors, limit=2000, plain_only=True)
        if block.get("element") is None:
            errors.append(_error("missing required field: element", f"{where}/element"))
        else:
            files_allowed = surface == "modal"
            _check_element(block["element"], f"{where}/element", errors, files_allowed=files_allowed)
    elif kind == "image":
        _check_element(block, where, errors)


def validate_blocks(
    blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks", surface: str = "message"
) -> list[str]:
    """Messages like Slack's `response_metadata.messages`; empty when the blocks are acceptable.
    ``surface``: "message", "modal" or "home" (some elements, such as file_input, belong to modals only)."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        return [_error("blocks must be a list of objects that each have a type", pointer)]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(_error(f"no more than {max_blocks} items allowed", pointer))
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"{pointer}/{i}"
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not 0 < len(block_id) <= MAX_ID:
                errors.append(_error(f"block_id must be 1 to {MAX_ID} characters", f"{where}/block_id"))
            elif block_id in seen:  # unique within the whole message or view
                errors.append(_error(f"duplicate block_id {block_id!r}", f"{where}/block_id"))
            seen.add(str(block_id))
        _check_block(block, where, errors, surface)
    return errors


def validate_view(view: Any, *, pointer: str = "/view") -> list[str]:
    if not isinstance(view, dict):
        return [_error("view must be an object", pointer)]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [_error("view type must be modal or home", f"{pointer}/type")]
    errors = validate_blocks(
        view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS, pointer=f"{pointer}/blocks", surface=kind
    )
    try:
        View(**view).validate_json()
    except SlackObjectFormationError as exc:
        errors.append(_error(str(exc), pointer))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        errors.append(_error(f"malformed view ({exc})", pointer))
    if kind == "modal":
        _check_text(view.get("title"), f"{pointer}/title", errors, limit=24, plain_only=True)
        for key in ("submit", "close"):
            if view.get(key) is not None:
                _check_text(view[key], f"{pointer}/{key}", errors, limit=24, plain_only=True)
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict))
        if has_input and view.get("submit") is None:
            errors.append(_error("a modal with input blocks needs a submit button", f"{pointer}/submit"))
    for key, limit in (("private_metadata", 3000), ("callback_id", MAX_ID), ("external_id", MAX_ID)):
        if len(str(view.get(key) or "")) > limit:
            errors.append(_error(f"must be less than {limit + 1} characters", f"{pointer}/{key}"))
    return errors


def validate_message(body: dict[str, Any]) -> list[str]:
    """A message body sent through a response_url or in an ack: its text and blocks."""
    errors: list[str] = []
    if len(str(body.get("text") or "")) > MAX_TEXT:
        errors.append(_error(f"must be less than {MAX_TEXT + 1} characters", "/text"))
    if body.get("blocks") is not None:
        errors.extend(validate_blocks(body["blocks"]))
    return errors


def validate_response_action(body: dict[str, Any], submitted: list[dict[str, Any]]) -> list[str]:
    """The app's answer to a view_submission; `submitted` are the blocks of the view that was submitted."""
    if "response_action" not in body:
        return []  # an empty ack closes the view
    action = body["response_action"]
    if action not in RESPONSE_ACTIONS:
        return [_error(f"response_action must be one of {sorted(RESPONSE_ACTIONS)}", "/response_action")]
    if action == "errors":
        errors_map = body.get("errors")
        if not isinstance(errors_map, dict) or not errors_map:
            return [_error("errors must be a non-empty object of block_id to message", "/errors")]
        inputs = {str(b.get("block_id")) for b in submitted if b.get("type") == "input"}
        problems = []
        for block_id, message in errors_map.items():
            if block_id not in inputs:
                problems.append(_error(f"{block_id!r} is not the block_id of an input block", "/errors"))
            if not isinstance(message, str) or not message:
                problems.append(_error("an error message must be a non-empty string", f"/errors/{block_id}"))
        return problems
    if action in ("update", "push"):
        view = body.get("view")
        if isinstance(view, dict) and view.get("type") != "modal":
            return [_error("the view must be a modal", "/view/type")]
        return validate_view(view)
    return []  # clear takes nothing else
