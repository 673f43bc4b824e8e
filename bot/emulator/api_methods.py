"""auth.*, chat.*, conversations.*, users.*, reactions.* and files.* as the bot sees them.

Each handler takes the already-merged parameters (query + body) and returns the success body or
raises ApiError with the error name real Slack uses.
"""

from __future__ import annotations

from typing import Any

from bot.emulator.api_common import ApiContext, ApiError, Handler, p_bool, p_int, p_str, page
from bot.emulator.blocks import ensure_block_ids
from bot.emulator.state import Channel, Message, UploadedFile, WorkspaceState
from bot.emulator.validate import MAX_TEXT, validate_blocks


def _channel(
    state: WorkspaceState, params: dict[str, Any], key: str = "channel", *, allow_user: bool = False
) -> Channel:
    ref = p_str(params, key)
    if allow_user and ref in state.users and state.users[ref].deleted:
        raise ApiError("user_disabled")
    channel = state.resolve_channel(ref, allow_user=allow_user) if ref else None
    if channel is None:
        raise ApiError("channel_not_found")
    return channel


def _require_member(state: WorkspaceState, channel: Channel) -> None:
    if not channel.is_im and state.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")


def _content(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    text = p_str(params, "text")
    blocks = params.get("blocks")
    attachments = params.get("attachments")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    if blocks:
        problems = validate_blocks(blocks)
        if problems:
            raise ApiError("invalid_blocks", messages=problems)
    return text, blocks, attachments


def _message(ctx: ApiContext, channel_id: str, ts: str) -> Message:
    msg = ctx.state.find_message(channel_id, ts)
    if msg is None:
        raise ApiError("message_not_found")
    return msg


def _api(ctx: ApiContext, msg: Message) -> dict[str, Any]:
    return msg.to_api(ctx.state.team_id, ctx.state.app_id)


def _listed(ctx: ApiContext, msg: Message, params: dict[str, Any]) -> dict[str, Any]:
    """A message as history lists it: Slack leaves metadata out unless include_all_metadata is set."""
    data = _api(ctx, msg)
    if not p_bool(params, "include_all_metadata"):
        data.pop("metadata", None)
    return data


def auth_test(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    s = ctx.state
    return {
        "ok": True,
        "url": f"https://{s.team_domain}.slack.com/",
        "team": "督办演示 Duban Demo",
        "user": s.users[s.bot_user_id].name,
        "team_id": s.team_id,
        "user_id": s.bot_user_id,
        "bot_id": s.bot_id,
        "is_enterprise_install": False,
    }


def response_headers(ctx: ApiContext, method: str) -> dict[str, str]:
    """Headers Slack adds to a successful answer: the token's granted scopes on auth.test."""
    if method == "auth.test" and ctx.scopes is not None:
        return {"x-oauth-scopes": ",".join(ctx.scopes)}
    return {}


def chat_post_message(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params, allow_user=True)
    _require_member(ctx.state, channel)
    text, blocks, attachments = _content(params)
    msg = ctx.state.add_message(
        channel,
        ctx.state.bot_user_id,
        text,
        blocks=blocks,
        thread_ts=params.get("thread_ts") or None,
        metadata=params.get("metadata"),
        attachments=attachments,
    )
    return {"ok": True, "channel": channel.id, "ts": msg.ts, "message": _api(ctx, msg)}


def chat_post_ephemeral(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params, allow_user=True)
    user_id = p_str(params, "user")
    user = ctx.state.users.get(user_id)
    if user is None or user.deleted or user_id not in channel.members:
        raise ApiError("user_not_in_channel")
    text, blocks, _ = _content(params)
    msg = ctx.state.add_ephemeral(
        user_id,
        channel.id,
        text,
        blocks=blocks,
        source="chat.postEphemeral",
        thread_ts=params.get("thread_ts") or None,
    )
    return {"ok": True, "message_ts": msg.ts}


def chat_update(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params)
    msg = _message(ctx, channel.id, p_str(params, "ts"))
    if msg.user != ctx.state.bot_user_id:
        raise ApiError("cant_update_message")
    if params.get("blocks"):
        problems = validate_blocks(params["blocks"])
        if problems:
            raise ApiError("invalid_blocks", messages=problems)
    if "text" in params:
        msg.text = p_str(params, "text")
    if "blocks" in params:
        msg.blocks = ensure_block_ids(params["blocks"])
    if "attachments" in params:
        msg.attachments = list(params["attachments"] or [])
    if params.get("metadata"):
        msg.metadata = params["metadata"]
    msg.version += 1
    msg.edited = {"user": ctx.state.bot_user_id, "ts": ctx.state.next_ts()}
    return {"ok": True, "channel": channel.id, "ts": msg.ts, "text": msg.text, "message": _api(ctx, msg)}


def chat_delete(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params)
    msg = _message(ctx, channel.id, p_str(params, "ts"))
    if msg.user != ctx.state.bot_user_id:
        raise ApiError("cant_delete_message")
    ctx.state.delete_message(msg)
    return {"ok": True, "channel": channel.id, "ts": msg.ts}


def chat_get_permalink(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params)
    msg = _message(ctx, channel.id, p_str(params, "message_ts"))
    link = f"https://{ctx.state.team_domain}.slack.com/archives/{channel.id}/p{msg.ts.replace('.', '')}"
    if msg.is_reply:
        link += f"?thread_ts={msg.thread_ts}&cid={channel.id}"
    return {"ok": True, "channel": channel.id, "permalink": link}


def conversations_open(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("channel"):
        channel = _channel(ctx.state, params)
        return {"ok": True, "channel": {"id": channel.id}}
    users = [u.strip() for u in p_str(params, "users").split(",") if u.strip()]
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 1:
        raise ApiError("method_not_supported_for_channel_type")  # group DMs are not emulated
    user = ctx.state.users.get(users[0])
    if user is None or user.is_bot:
        raise ApiError("user_not_found")
    if user.deleted:
        raise ApiError("user_disabled")
    already = ("D" + user.id[1:]) in ctx.state.channels
    channel = ctx.state.im_channel(user.id)
    body: dict[str, Any] = {"ok": True, "channel": {"id": channel.id}}
    if p_bool(params, "return_im"):
        body["channel"] = channel.to_api(ctx.state.bot_user_id)
    if already:
        body.update(no_op=True, already_open=True)
    return body


def conversations_info(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params)
    return {"ok": True, "channel": channel.to_api(ctx.state.bot_user_id)}


def conversations_history(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params)
    _require_member(ctx.state, channel)
    oldest, latest = float(p_str(params, "oldest", "0")), float(p_str(params, "latest", "9e12"))
    inclusive = p_bool(params, "inclusive")

    def in_range(ts: float) -> bool:
        return (oldest <= ts <= latest) if inclusive else (oldest < ts < latest)

    top = [
        m
        for m in reversed(ctx.state.messages.get(channel.id, []))
        if not m.is_reply and in_range(float(m.ts))
    ]
    chunk, cursor = page(top, params, default_limit=100)
    return {
        "ok": True,
        "messages": [_listed(ctx, m, params) for m in chunk],
        "has_more": bool(cursor),
        "pin_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_replies(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params)
    ts = p_str(params, "ts")
    if ctx.state.find_message(channel.id, ts) is None:
        raise ApiError("thread_not_found")
    chunk, cursor = page(ctx.state.thread(channel.id, ts), params, default_limit=1000)
    return {
        "ok": True,
        "messages": [_listed(ctx, m, params) for m in chunk],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_members(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(ctx.state, params)
    chunk, cursor = page(list(channel.members), params, default_limit=100)
    return {"ok": True, "members": chunk, "response_metadata": {"next_cursor": cursor}}


def users_info(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    user = ctx.state.users.get(p_str(params, "user"))
    if user is None:
        raise ApiError("user_not_found")
    return {
        "ok": True,
        "user": user.to_api(ctx.state.team_id, include_locale=p_bool(params, "include_locale")),
    }


def users_list(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    members = list(ctx.state.users.values())
    chunk, cursor = page(members, params)
    locale = p_bool(params, "include_locale")
    return {
        "ok": True,
        "members": [u.to_api(ctx.state.team_id, include_locale=locale) for u in chunk],
        "cache_ts": 0,
        "response_metadata": {"next_cursor": cursor},
    }


USERGROUPS_USERS_LIST_ARGS = frozenset({"token", "usergroup", "include_disabled", "team_id"})


def _require_scope(ctx: ApiContext, scope: str) -> None:
    """Slack answers missing_scope (with what was needed and what the token has) before anything else."""
    if ctx.scopes is not None and scope not in ctx.scopes:
        raise ApiError("missing_scope", extra={"needed": scope, "provided": ",".join(ctx.scopes)})


def usergroups_users_list(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    _require_scope(ctx, "usergroups:read")
    unknown = sorted(set(params) - USERGROUPS_USERS_LIST_ARGS)
    if unknown:
        raise ApiError("invalid_arguments", messages=[f"[ERROR] unknown argument '{unknown[0]}'"])
    usergroup = p_str(params, "usergroup")
    if not usergroup:
        raise ApiError("invalid_arguments", messages=["[ERROR] missing required field: usergroup"])
    if usergroup not in ctx.state.usergroups:
        raise ApiError("no_such_subteam")
    return {"ok": True, "users": list(ctx.state.usergroups[usergroup])}


def users_lookup_by_email(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    email = p_str(params, "email").casefold()
    user = next((u for u in ctx.state.users.values() if u.email and u.email.casefold() == email), None)
    if user is None:
        raise ApiError("users_not_found")
    return {"ok": True, "user": user.to_api(ctx.state.team_id)}


def _reaction_target(ctx: ApiContext, params: dict[str, Any]) -> tuple[Message, str]:
    if not params.get("timestamp"):
        raise ApiError("no_item_specified")
    channel = _channel(ctx.state, params)
    name = p_str(params, "name").strip(":")
    if not name:
        raise ApiError("invalid_name")
    return _message(ctx, channel.id, p_str(params, "timestamp")), name


def reactions_add(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    msg, name = _reaction_target(ctx, params)
    users = msg.reactions.setdefault(name, [])
    if ctx.state.bot_user_id in users:
        raise ApiError("already_reacted")
    users.append(ctx.state.bot_user_id)
    return {"ok": True}


def reactions_remove(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    msg, name = _reaction_target(ctx, params)
    users = msg.reactions.get(name, [])
    if ctx.state.bot_user_id not in users:
        raise ApiError("no_reaction")
    users.remove(ctx.state.bot_user_id)
    if not users:
        del msg.reactions[name]
    return {"ok": True}


def files_get_upload_url_external(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    filename, length = p_str(params, "filename"), p_int(params, "length", -1)
    if not filename or length < 0:
        raise ApiError("invalid_arguments")
    file_id = ctx.state.next_id("F")
    ctx.state.files[file_id] = UploadedFile(file_id, filename, length)
    return {"ok": True, "upload_url": f"{ctx.base_url()}upload/{file_id}", "file_id": file_id}


def files_complete_upload_external(ctx: ApiContext, params: dict[str, Any]) -> dict[str, Any]:
    entries = params.get("files")
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    files = []
    for entry in entries:
        upload = ctx.state.files.get(str(entry.get("id")))
        if upload is None or not upload.uploaded:
            raise ApiError("file_not_found")
        upload.title = str(entry.get("title") or upload.filename)
        files.append(upload)
    targets = [c for c in p_str(params, "channels").split(",") if c]
    if params.get("channel_id"):
        targets.insert(0, p_str(params, "channel_id"))
    channels = [_channel(ctx.state, {"channel": ref}) for ref in targets]
    for channel in channels:
        _require_member(ctx.state, channel)
    comment = p_str(params, "initial_comment")
    for upload in files:
        upload.completed, upload.initial_comment = True, comment
        upload.channels.extend(c.id for c in channels)
    for channel in channels:
        ctx.state.add_message(
            channel,
            ctx.state.bot_user_id,
            comment,
            thread_ts=params.get("thread_ts") or None,
            files=[f.to_api(ctx.state.bot_user_id) for f in files],
        )
    return {"ok": True, "files": [{"id": f.id, "title": f.title} for f in files]}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    "conversations.open": conversations_open,
    "conversations.info": conversations_info,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "conversations.members": conversations_members,
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "usergroups.users.list": usergroups_users_list,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}
