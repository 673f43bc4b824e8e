"""views.open / push / update / publish: modal stacks per user and the App Home tab."""

from __future__ import annotations

import secrets
import time
from typing import Any

from bot.emulator.api_common import ApiContext, ApiError, Handler, p_str
from bot.emulator.blocks import ensure_block_ids
from bot.emulator.state import View
from bot.emulator.validate import validate_view
from bot.emulator.view_state import initial_state

MAX_STACK = 3


def new_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


def _definition(params: dict[str, Any], *, kind: str) -> dict[str, Any]:
    view = params.get("view")
    problems = validate_view(view)
    if not problems and isinstance(view, dict) and view.get("type") != kind:
        problems = [f"[ERROR] view type must be {kind} [json-pointer:/view/type]"]
    if problems:
        raise ApiError("invalid_arguments", messages=problems)
    assert isinstance(view, dict)
    return view


def apply_definition(view: View, definition: dict[str, Any]) -> None:
    """Load a view definition into `view`; inputs the user already filled keep their values, as in Slack."""
    old_values = view.state_values
    view.blocks = ensure_block_ids(definition.get("blocks", []))
    view.callback_id = str(definition.get("callback_id", ""))
    view.private_metadata = str(definition.get("private_metadata", ""))
    view.external_id = str(definition.get("external_id", view.external_id))
    view.title, view.submit, view.close = (
        definition.get("title"),
        definition.get("submit"),
        definition.get("close"),
    )
    view.notify_on_close = bool(definition.get("notify_on_close", False))
    view.clear_on_close = bool(definition.get("clear_on_close", False))
    fresh = initial_state(view.blocks)
    for block_id, actions in fresh.items():
        for action_id, entry in actions.items():
            kept = old_values.get(block_id, {}).get(action_id)
            if kept is not None and kept.get("type") == entry.get("type"):
                actions[action_id] = kept
    view.state_values = fresh
    view.hash = new_hash()


def make_view(ctx: ApiContext, user_id: str, definition: dict[str, Any]) -> View:
    view = View(ctx.state.next_id("V"), user_id, str(definition["type"]), [], new_hash())
    apply_definition(view, definition)
    return view


def _api(ctx: ApiContext, view: View) -> dict[str, Any]:
    s = ctx.state
    return {"ok": True, "view": view.to_api(s.team_id, s.app_id, s.bot_id)}


def views_open(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    trigger = ctx.triggers.consume(p_str(params, "trigger_id"))
    view = make_view(ctx, trigger.user_id, _definition(params, kind="modal"))
    view.root_view_id = view.id
    ctx.state.modal_stacks[trigger.user_id] = [view]
    ctx.state.view_errors.pop(trigger.user_id, None)
    return _api(ctx, view)


def views_push(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    trigger = ctx.triggers.consume(p_str(params, "trigger_id"))
    definition = _definition(params, kind="modal")
    stack = ctx.state.modal_stacks.get(trigger.user_id) or []
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    view = make_view(ctx, trigger.user_id, definition)
    view.root_view_id, view.previous_view_id = stack[0].id, stack[-1].id
    stack.append(view)
    return _api(ctx, view)


def views_update(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    view = ctx.state.find_view(p_str(params, "view_id"), external_id=p_str(params, "external_id"))
    if view is None:
        raise ApiError("not_found")
    definition = _definition(params, kind=view.type)
    if params.get("hash") and p_str(params, "hash") != view.hash:
        raise ApiError("hash_conflict")
    apply_definition(view, definition)
    return _api(ctx, view)


def views_publish(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    user_id = p_str(params, "user_id")
    user = ctx.state.users.get(user_id)
    if user is None or user.is_bot:
        raise ApiError("user_not_found")
    definition = _definition(params, kind="home")
    home = ctx.state.homes.get(user_id)
    if home is not None and params.get("hash") and p_str(params, "hash") != home.hash:
        raise ApiError("hash_conflict")
    if home is None:
        home = make_view(ctx, user_id, definition)
        home.root_view_id = home.id
        ctx.state.homes[user_id] = home
    else:
        apply_definition(home, definition)
    return _api(ctx, home)


METHODS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
