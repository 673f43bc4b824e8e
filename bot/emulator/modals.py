"""The Slack client's side of a modal: filling inputs, required fields, and reacting to the app's answer."""

from __future__ import annotations

from typing import Any

from bot.emulator.api_common import ApiContext
from bot.emulator.api_views import MAX_STACK, apply_definition, make_view
from bot.emulator.state import Refusal, View, WorkspaceState
from bot.emulator.transport import Reply
from bot.emulator.user_files import user_file
from bot.emulator.validate import validate_response_action
from bot.emulator.view_state import entry_from_value, is_empty, is_stateful

REQUIRED_MESSAGE = "Please complete this required field."


def input_blocks(view: View) -> list[dict[str, Any]]:
    return [
        b
        for b in view.blocks
        if b.get("type") == "input" and isinstance(b.get("element"), dict) and is_stateful(b["element"])
    ]


def resolvers(state: WorkspaceState, uploader: str | None = None) -> dict[str, Any]:
    """Look-ups for entry_from_value: people and channels by name; file names become files ``uploader``
    attaches (a file_input's files are uploaded by whoever fills the view in)."""

    def user(ref: str) -> str | None:
        found = state.resolve_user(ref)
        return found.id if found is not None and not found.deleted else None

    def channel(ref: str) -> str | None:
        found = state.resolve_channel(ref.strip(), allow_user=False)
        return found.id if found is not None else None

    found: dict[str, Any] = {"users": user, "channels": channel}
    if uploader is not None:
        found["files"] = lambda name: user_file(state, uploader, name)
    return found


def _is_raw(value: Any) -> bool:
    """A raw state block: {action_id: {"type": …, …}} exactly as Slack's state.values has it."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(v, dict) and "type" in v for v in value.values())
    )


def set_value(state: WorkspaceState, view: View, key: str, value: Any) -> None:
    """Set one input by block_id (or action_id) from a simple value or a raw state block."""
    for block in view.blocks:
        element = block.get("element") if block.get("type") == "input" else None
        if not isinstance(element, dict) or key not in (block.get("block_id"), element.get("action_id")):
            continue
        block_id, action_id = str(block["block_id"]), str(element.get("action_id", ""))
        if _is_raw(value):
            view.state_values[block_id] = dict(value)
        else:
            entry = entry_from_value(element, value, **resolvers(state, view.user_id))
            view.state_values.setdefault(block_id, {})[action_id] = entry
        return
    if _is_raw(value):  # state for a block that is not an input (e.g. a select in an actions block)
        view.state_values[key] = dict(value)
        return
    raise KeyError(f"view {view.callback_id or view.id} has no input {key!r}")


def apply_values(state: WorkspaceState, view: View, values: dict[str, Any] | None) -> None:
    if not values:
        return
    if set(values) == {"values"} and isinstance(values["values"], dict):  # a whole raw `state`
        view.state_values = {k: dict(v) for k, v in values["values"].items()}
        return
    for key, value in values.items():
        set_value(state, view, key, value)


def missing_required(view: View) -> dict[str, str]:
    """What the Slack client itself refuses to submit: required inputs left empty."""
    missing: dict[str, str] = {}
    for block in input_blocks(view):
        if block.get("optional"):
            continue
        entries = view.state_values.get(str(block["block_id"]), {})
        if not entries or all(is_empty(e) for e in entries.values()):
            missing[str(block["block_id"])] = REQUIRED_MESSAGE
    return missing


def handle_submission_reply(ctx: ApiContext, user_id: str, view: View, reply: Reply) -> None:
    """Apply the app's answer to view_submission: close, show errors, update, push or clear."""
    state = ctx.state
    stack = state.modal_stacks.get(user_id, [])
    if reply.status != 200:
        state.view_errors[user_id] = {
            "": f"We had some trouble connecting (HTTP {reply.status or 'timeout'})."
        }
        return
    body = reply.json
    problems = validate_response_action(body, view.blocks)
    if problems:  # Slack keeps the modal open and shows its connection error
        state.refusals.append(Refusal("view_submission", problems, body))
        state.view_errors[user_id] = {"": "We had some trouble connecting. Try again?"}
        return
    action = body.get("response_action")
    if action == "errors":
        state.view_errors[user_id] = {str(k): str(v) for k, v in (body.get("errors") or {}).items()}
        return
    state.view_errors.pop(user_id, None)
    if action == "clear":
        state.modal_stacks.pop(user_id, None)
        return
    if action in ("update", "push"):
        definition = body["view"]
        if action == "update":
            apply_definition(view, definition)
        elif len(stack) < MAX_STACK:
            pushed = make_view(ctx, user_id, definition)
            pushed.root_view_id, pushed.previous_view_id = stack[0].id if stack else pushed.id, view.id
            stack.append(pushed)
        return
    if view in stack:  # an empty 200 closes the submitted view; the one below (if any) shows again
        stack.remove(view)
    if not stack:
        state.modal_stacks.pop(user_id, None)
