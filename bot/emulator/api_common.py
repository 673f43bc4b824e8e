"""Shared pieces of the emulated Web API: errors, parameter parsing, single-use tokens, paging."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.state import WorkspaceState

# Params that Slack accepts as JSON strings inside form bodies.
JSON_PARAMS = frozenset({"blocks", "attachments", "view", "metadata", "files", "unfurls"})
RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_TTL = 30 * 60.0


class ApiError(Exception):
    """An `{"ok": false, "error": …}` answer (HTTP 200, as Slack does for application errors)."""

    def __init__(
        self, error: str, *, messages: Sequence[str] = (), extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.extra = dict(extra or {})  # e.g. missing_scope's "needed" and "provided"

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            data["response_metadata"] = {"messages": self.messages}
        return data


def decode_json_params(params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    for key in JSON_PARAMS & out.keys():
        if isinstance(out[key], str):
            try:
                out[key] = json.loads(out[key]) if out[key] else None
            except json.JSONDecodeError as exc:
                raise ApiError("invalid_json" if key != "blocks" else "invalid_blocks_format") from exc
    return out


def p_str(params: dict[str, Any], key: str, default: str = "") -> str:
    value = params.get(key)
    return default if value is None else str(value)


def p_bool(params: dict[str, Any], key: str) -> bool:
    value = params.get(key)
    return value is True or str(value).lower() in ("true", "1")


def p_int(params: dict[str, Any], key: str, default: int) -> int:
    try:
        return int(params.get(key) or default)
    except (TypeError, ValueError) as exc:
        raise ApiError("invalid_arg_name") from exc


def page(items: list[Any], params: dict[str, Any], *, default_limit: int = 0) -> tuple[list[Any], str]:
    """Cursor paging like Slack's: returns (this page, next_cursor or "")."""
    cursor = p_str(params, "cursor")
    start = 0
    if cursor:
        try:
            kind, _, offset = base64.b64decode(cursor.encode()).decode().partition(":")
            start = int(offset)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError("invalid_cursor") from exc
        if kind != "offset" or not 0 <= start <= len(items):
            raise ApiError("invalid_cursor")
    limit = p_int(params, "limit", default_limit) or len(items) or 1
    chunk = items[start : start + limit]
    end = start + limit
    next_cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return chunk, next_cursor


@dataclass
class Trigger:
    id: str
    user_id: str
    issued_at: float
    view_id: str | None = None  # set when the interaction came from inside a modal
    used: bool = False


class TriggerStore:
    """trigger_ids are single use and die after `ttl` seconds of real time, as in Slack."""

    def __init__(self, ttl: float = 3.0) -> None:
        self.ttl = ttl
        self._triggers: dict[str, Trigger] = {}
        self._n = 0

    def issue(self, user_id: str, *, view_id: str | None = None) -> str:
        self._n += 1
        trigger_id = f"{int(time.time())}.{self._n}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = Trigger(trigger_id, user_id, time.monotonic(), view_id)
        return trigger_id

    def consume(self, trigger_id: str) -> Trigger:
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.ttl:
            raise ApiError("expired_trigger_id")
        trigger.used = True
        return trigger


@dataclass
class ResponseTarget:
    """Where a response_url's posts land: the user, the channel and (for buttons) the original message."""

    token: str
    user_id: str
    channel_id: str
    message_ts: str | None = None
    original_is_ephemeral: bool = False
    issued_at: float = field(default_factory=time.monotonic)
    uses: int = 0
    last_ephemeral_ts: str | None = None  # a slash command's latest reply, what replace_original replaces
    # The bot may post to the response_url before its ack reaches us; Slack shows the ack first, so a
    # replace/delete that arrives early means the ack was already superseded.
    acked: bool = False
    ack_superseded: bool = False


class ResponseUrlStore:
    def __init__(self) -> None:
        self._targets: dict[str, ResponseTarget] = {}

    def issue(
        self,
        user_id: str,
        channel_id: str,
        *,
        message_ts: str | None = None,
        original_is_ephemeral: bool = False,
    ) -> ResponseTarget:
        target = ResponseTarget(secrets.token_hex(12), user_id, channel_id, message_ts, original_is_ephemeral)
        self._targets[target.token] = target
        return target

    def use(self, token: str) -> ResponseTarget:
        target = self._targets.get(token)
        if target is None:
            raise ApiError("invalid_url")
        if time.monotonic() - target.issued_at > RESPONSE_URL_TTL:
            raise ApiError("expired_url")
        if target.uses >= RESPONSE_URL_MAX_USES:
            raise ApiError("used_url")
        target.uses += 1
        return target


def _manifest_scopes() -> tuple[str, ...]:
    from bot.manifest import bot_scopes

    return bot_scopes()


@dataclass
class ApiContext:
    state: WorkspaceState
    triggers: TriggerStore
    base_url: Callable[[], str]  # "http://127.0.0.1:PORT/", known once the server is bound
    # What auth.test reports in its x-oauth-scopes header: by default everything the app manifest asks
    # for; a test sets fewer to play an app installed before a scope was added (None: no header).
    scopes: tuple[str, ...] | None = field(default_factory=_manifest_scopes)


Handler = Callable[[ApiContext, dict[str, Any]], dict[str, Any]]
