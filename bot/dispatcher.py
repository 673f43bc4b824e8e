"""Delivers outbox rows to the Slack Web API: paced, retried, and at most once per process.

Delivery guarantee
------------------
A row is leased (``claimed_until``) before it is sent and marked after. While this process lives,
no idempotency key is sent twice: rounds never overlap, a row is sent only while its lease has
comfortably more time left than the client's HTTP timeout, and a send whose outcome could not be
recorded (database down) is remembered and recorded on the next claim instead of being re-sent.
If the process dies between the HTTP call and ``mark_sent`` (or the call timed out), the row is in doubt
once its lease expires. Posted messages carry their idempotency key as Slack message metadata, so before
re-sending an in-doubt ``chat.postMessage`` the dispatcher looks for the key in the conversation's recent
history (``bot.delivery_check``) and records the message it finds instead: exactly once. Other methods
(updates, views, file uploads, ephemerals) carry no metadata and stay at-least-once; keep ``lease`` longer
than the client's ``timeout``.

Pacing is local to this process (Slack's limits are per app and workspace, so with several
replicas give each a share of the budgets). Rows that may not go yet are released back to
``pending`` with ``next_attempt_at`` nudged to when they may go, uncounted, and picked up by a
later round. Use an ``AsyncWebClient`` without a rate-limit retry handler: 429s are handled here.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery_check import find_posted, with_send_key
from bot.domain.clock import Clock
from bot.pacing import CHANNEL_INTERVAL, DEFAULT_METHOD_BUDGETS, _Pacer
from storage import outbox
from storage.outbox import ClaimedSend

log = logging.getLogger(__name__)

BACKOFF_CAP = timedelta(minutes=5)
DEFAULT_RETRY_AFTER = timedelta(seconds=1)

# Slack errors that will not go away by retrying this same call.
PERMANENT_ERRORS: frozenset[str] = frozenset(
    {
        "account_inactive",
        "as_user_not_supported",
        "cannot_dm_bot",
        "cant_update_message",
        "channel_not_found",
        "edit_window_closed",
        "invalid_arguments",
        "invalid_attachments",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_json",
        "invalid_metadata_format",
        "invalid_user",
        "is_archived",
        "json_not_object",
        "message_not_found",
        "messages_tab_disabled",
        "metadata_too_large",
        "method_not_supported_for_channel_type",
        "msg_too_long",
        "no_text",
        "not_in_channel",
        "restricted_action",
        "restricted_action_non_threadable_channel",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "too_many_attachments",
        "too_many_users",
        "user_disabled",
        "user_is_bot",
        "user_not_found",
        "user_not_visible",
        "users_not_found",
    }
)
RATE_LIMIT_ERRORS: frozenset[str] = frozenset({"ratelimited", "rate_limited"})
# Methods whose documented content type is form-encoded only; everything else gets a JSON body.
FORM_ONLY_METHODS: frozenset[str] = frozenset({"users.info", "users.lookupByEmail", "conversations.info"})

PermanentFailureHook = Callable[[ClaimedSend, str], Awaitable[None]]


@dataclass(slots=True)
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0  # transient failure, will be tried again
    rate_limited: int = 0  # 429 or ``ratelimited``: rescheduled without counting an attempt
    deferred: int = 0  # released unsent by local pacing
    failed: int = 0
    lost: int = 0  # the claim was gone when we tried to record the outcome
    recovered: int = 0  # in doubt, found already posted in Slack: recorded instead of re-sent

    def __iadd__(self, other: DispatchStats) -> DispatchStats:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


class _SendError(Exception):
    def __init__(self, kind: str, error: str, retry_after: timedelta | None = None) -> None:
        super().__init__(error)
        self.kind = kind  # "rate_limited" | "permanent" | "transient"
        self.error = error
        self.retry_after = retry_after


class OutboxDispatcher:
    """Sends due outbox rows; trigger ``run_once`` periodically (e.g. every second).

    Outcomes: success → ``sent`` (plus a ``slack_messages`` row when the send belongs to an item
    and a purpose); 429 or ``ratelimited`` → retried after Retry-After without counting an attempt,
    and the method rests for that long; HTTP 5xx, network errors, timeouts and unknown Slack errors
    → retried after 1, 2, 4 … s (capped at 5 min); a Slack error in ``permanent_errors``, or
    ``max_attempts`` used up → ``failed``, then ``on_permanent_failure(send, error)`` is awaited
    once (after the commit; its exceptions are logged, not retried).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        client: AsyncWebClient,
        clock: Clock,
        *,
        worker_id: str,
        batch_size: int = 50,
        lease: timedelta = timedelta(seconds=60),
        max_attempts: int = 8,
        on_permanent_failure: PermanentFailureHook | None = None,
        method_budgets: Mapping[str, int] | None = None,
        channel_interval: timedelta = CHANNEL_INTERVAL,
        permanent_errors: frozenset[str] = PERMANENT_ERRORS,
    ) -> None:
        self._sf = session_factory
        self._client = client
        self._clock = clock
        self.worker_id = worker_id
        self._batch_size = batch_size
        self._lease = lease
        self._max_attempts = max_attempts
        self._on_permanent_failure = on_permanent_failure
        self._pacer = _Pacer({**DEFAULT_METHOD_BUDGETS, **(method_budgets or {})}, channel_interval)
        self._permanent_errors = permanent_errors
        self._round_lock = asyncio.Lock()
        # Sent, but the outcome could not be recorded: record it on the next claim, never re-send.
        self._unrecorded: dict[str, dict[str, Any]] = {}

    async def drain(self, max_rounds: int = 20) -> DispatchStats:
        """``run_once`` until a round finds nothing due (tests, the demo console)."""
        total = DispatchStats()
        for _ in range(max_rounds):
            stats = await self.run_once()
            total += stats
            if stats.claimed == 0:
                break
        return total

    async def run_once(self) -> DispatchStats:
        """Claim one batch of due rows and send what pacing allows; never sleeps."""
        async with self._round_lock:  # overlapping rounds could hold one key twice
            return await self._round()

    async def _round(self) -> DispatchStats:
        stats = DispatchStats()
        claimed_at = self._clock.now()
        batch = await outbox.claim_due(
            self._sf, now=claimed_at, worker_id=self.worker_id, limit=self._batch_size, lease=self._lease
        )
        stats.claimed = len(batch)
        # Stop sending once the lease might run out before a slow call returns.
        margin = timedelta(
            seconds=min(float(getattr(self._client, "timeout", 30)), self._lease.total_seconds() / 2)
        )
        send_by = claimed_at + self._lease - margin
        # Per-round queue positions, so deferred rows are spread over future slots in order.
        queued_on_channel: defaultdict[str, int] = defaultdict(int)
        queued_on_method: defaultdict[str, int] = defaultdict(int)
        for send in batch:
            now = self._clock.now()
            if send.idem_key in self._unrecorded:
                await self._record_success(send, self._unrecorded[send.idem_key], stats, replayed=True)
                continue
            if now >= send_by:
                await self._defer(send, now, stats)
                continue
            channel = _channel_of(send)
            wait = self._pacer.wait(send.method, channel, now.timestamp())
            if wait > 0:
                extra = queued_on_method[send.method] * self._pacer.method_spacing(send.method)
                if channel is not None:
                    extra = max(extra, queued_on_channel[channel] * self._pacer.channel_interval)
                    queued_on_channel[channel] += 1
                queued_on_method[send.method] += 1
                await self._defer(send, now + timedelta(seconds=wait + extra), stats)
                continue
            self._pacer.take(send.method, channel, now.timestamp())
            await self._attempt(send, stats)
        return stats

    async def _attempt(self, send: ClaimedSend, stats: DispatchStats) -> None:
        if send.in_doubt and send.method == "chat.postMessage":
            found = await find_posted(self._client, send)
            if found is not None:
                stats.recovered += 1
                await self._record_success(send, found, stats, replayed=True)
                return
        try:
            result = await self._call(send)
        except _SendError as exc:
            await self._handle_failure(send, exc, stats)
            return
        await self._record_success(send, result, stats)

    async def _call(self, send: ClaimedSend) -> dict[str, Any]:
        if send.method == WEBHOOK_METHOD:
            return await _post_webhook(send.payload)
        try:
            if send.method == FILE_UPLOAD_METHOD:
                response = await _upload_file(self._client, send.payload)
            elif send.method in FORM_ONLY_METHODS:
                response = await self._client.api_call(send.method, data=_form_encode(send.payload))
            elif send.method == "chat.postMessage":
                response = await self._client.api_call(send.method, json=with_send_key(send))
            else:
                response = await self._client.api_call(send.method, json=send.payload)
        except SlackApiError as exc:
            raise _classify_slack_error(exc, self._permanent_errors) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _SendError("transient", f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # a bug or an odd reply: bounded by max_attempts, never fatal to the round
            log.exception("unexpected error sending outbox row %s (%s)", send.id, send.method)
            raise _SendError("transient", f"{type(exc).__name__}: {exc}") from exc
        data = response.data if isinstance(response.data, dict) else {}
        return _summarise(data)

    async def _record_success(
        self, send: ClaimedSend, result: dict[str, Any], stats: DispatchStats, *, replayed: bool = False
    ) -> None:
        try:
            applied = await outbox.mark_sent(
                self._sf,
                send.id,
                worker_id=self.worker_id,
                result=result,
                now=self._clock.now(),
                attempts=send.attempts,
            )
        except Exception:
            # Delivered but not recorded: remember it so the next claim records instead of re-sending.
            self._unrecorded[send.idem_key] = result
            log.exception("sent outbox row %s but could not record it", send.id)
            stats.sent += not replayed
            return
        self._unrecorded.pop(send.idem_key, None)
        if applied:
            stats.sent += not replayed
        else:
            stats.lost += 1
            log.warning("outbox row %s was sent after its claim was lost (lease expired)", send.id)

    async def _handle_failure(self, send: ClaimedSend, exc: _SendError, stats: DispatchStats) -> None:
        now = self._clock.now()
        if exc.kind == "rate_limited":
            retry_after = exc.retry_after or DEFAULT_RETRY_AFTER
            self._pacer.block(send.method, (now + retry_after).timestamp())
            applied = await outbox.mark_retry(
                self._sf,
                send.id,
                worker_id=self.worker_id,
                error=exc.error,
                next_attempt_at=now + retry_after,
                attempts=send.attempts,
                count_attempt=False,
            )
            stats.rate_limited += applied
            stats.lost += not applied
            return
        if exc.kind == "transient" and send.attempts < self._max_attempts:
            delay = min(BACKOFF_CAP, timedelta(seconds=2 ** (send.attempts - 1)))
            applied = await outbox.mark_retry(
                self._sf,
                send.id,
                worker_id=self.worker_id,
                error=exc.error,
                next_attempt_at=now + delay,
                attempts=send.attempts,
            )
            stats.retried += applied
            stats.lost += not applied
            return
        error = (
            exc.error if exc.kind == "permanent" else f"gave up after {send.attempts} attempts: {exc.error}"
        )
        applied = await outbox.mark_failed(
            self._sf, send.id, worker_id=self.worker_id, error=error, now=now, attempts=send.attempts
        )
        if not applied:
            stats.lost += 1
            return
        stats.failed += 1
        log.warning("outbox row %s (%s) failed: %s", send.id, send.method, error)
        if self._on_permanent_failure is not None:
            try:
                await self._on_permanent_failure(send, error)
            except Exception:
                log.exception("on_permanent_failure hook raised for outbox row %s", send.id)

    async def _defer(self, send: ClaimedSend, until: datetime, stats: DispatchStats) -> None:
        applied = await outbox.release(
            self._sf, send.id, worker_id=self.worker_id, next_attempt_at=until, attempts=send.attempts
        )
        stats.deferred += applied
        stats.lost += not applied


def _channel_of(send: ClaimedSend) -> str | None:
    """The channel a message is paced on (only chat.postMessage has the 1-per-second rule)."""
    if send.method != "chat.postMessage":
        return None
    channel = send.payload.get("channel")
    return channel if isinstance(channel, str) else None


WEBHOOK_METHOD = "webhook.post"  # not Slack: an outside gateway (SMS, voice) reached on escalation


async def _post_webhook(payload: Mapping[str, Any]) -> dict[str, Any]:
    """POST a pre-signed JSON body; 429/5xx and network errors are retried like Slack's, 4xx fail."""
    try:
        timeout = aiohttp.ClientTimeout(total=15)
        body, headers = payload["body"].encode(), payload.get("headers")
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(payload["url"], data=body, headers=headers) as response,
        ):
            if response.status == 429:
                retry = response.headers.get("Retry-After", "")
                wait = timedelta(seconds=int(retry)) if retry.isdigit() else None
                raise _SendError("rate_limited", "webhook 429", wait)
            if response.status >= 500:
                raise _SendError("transient", f"webhook HTTP {response.status}")
            if response.status >= 400:
                raise _SendError("permanent", f"webhook HTTP {response.status}")
            return {"ok": True, "status": response.status}
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise _SendError("transient", f"{type(exc).__name__}: {exc}") from exc


FILE_UPLOAD_METHOD = "files.uploadV2"  # pseudo-method: Slack's external file upload flow as one row


async def _upload_file(client: AsyncWebClient, payload: Mapping[str, Any]) -> Any:
    """files.getUploadURLExternal, POST the bytes, files.completeUploadExternal (``files_upload_v2``).

    Payload: filename, title, channel_id, initial_comment, content_base64. A user id as channel_id
    means that person's DM, opened first (completeUploadExternal wants a conversation id).
    """
    channel = str(payload["channel_id"])
    if channel.startswith(("U", "W")):
        opened = await client.conversations_open(users=channel)
        channel = str(opened["channel"]["id"])
    return await client.files_upload_v2(
        filename=str(payload["filename"]),
        title=str(payload.get("title") or payload["filename"]),
        channel=channel,
        initial_comment=str(payload.get("initial_comment") or ""),
        content=base64.b64decode(payload["content_base64"]),
        request_file_info=False,
    )


def _form_encode(payload: Mapping[str, Any]) -> dict[str, Any]:
    # Form bodies carry nested values (blocks, lists) as JSON strings, as Slack expects.
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}


def _summarise(data: Mapping[str, Any]) -> dict[str, Any]:
    """What is worth keeping of a Slack reply: where the message or view landed."""
    result: dict[str, Any] = {"ok": bool(data.get("ok", True))}
    for key in ("channel", "ts", "message_ts", "warning"):
        value = data.get(key)
        if isinstance(value, str):
            result[key] = value
        elif key == "channel" and isinstance(value, dict) and isinstance(value.get("id"), str):
            result[key] = value["id"]  # conversations.open
    view = data.get("view")
    if isinstance(view, dict):
        result["view_id"] = view.get("id")
        result["view_hash"] = view.get("hash")
    return result


def _classify_slack_error(exc: SlackApiError, permanent_errors: frozenset[str]) -> _SendError:
    response = exc.response
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    data = getattr(response, "data", None)
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429 or error in RATE_LIMIT_ERRORS:
        return _SendError("rate_limited", error or "ratelimited", _retry_after(headers))
    if isinstance(status, int) and status >= 500:
        return _SendError("transient", f"http_{status}" + (f": {error}" if error else ""))
    if error in permanent_errors:
        return _SendError("permanent", error)
    # Unknown errors, auth problems and Slack-side hiccups (internal_error, fatal_error …):
    # retried with backoff and failed after max_attempts, so a fixed token can still save them.
    return _SendError("transient", error or f"http_{status}")


def _retry_after(headers: Mapping[str, str]) -> timedelta | None:
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return timedelta(seconds=max(0.0, float(raw))) if raw is not None else None
    except ValueError:
        return None
