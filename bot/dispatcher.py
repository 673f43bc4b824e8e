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

Pacing is shared by every replica through the database (``bot.pacing.SharedPacing``; Slack's limits are per
app and workspace), or local to this process with ``shared_pacing=False``. Rows that may not go yet are
released back to ``pending`` with ``next_attempt_at`` nudged to when they may go, uncounted, and picked up by
a later round. Use an ``AsyncWebClient`` without a rate-limit retry handler: 429s are handled here.

When Slack refuses the bot token itself (``invalid_auth``, ``token_revoked`` …) the row goes back to pending
uncounted and the dispatcher stops sending: ``halted`` names the error (``/healthz`` shows it), one error
line is logged, and ``auth.test`` is tried every ``AUTH_PROBE_INTERVAL``; once it passes, sending resumes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery_check import find_posted
from bot.domain.clock import Clock
from bot.domain.repositories import LOCATE_ORIGINAL
from bot.pacing import CHANNEL_INTERVAL, DEFAULT_METHOD_BUDGETS, LocalPacing, Pacing, SharedPacing
from bot.slack_calls import PERMANENT_ERRORS, SendError, call_slack
from storage import outbox
from storage.outbox import ClaimedSend
from storage.slack_messages_repo import SlackMessageRepository

log = logging.getLogger(__name__)

BACKOFF_CAP = timedelta(minutes=5)
DEFAULT_RETRY_AFTER = timedelta(seconds=1)
AUTH_PROBE_INTERVAL = timedelta(seconds=60)
# An update whose message is still being posted looks for it again this much later.
ORIGINAL_WAIT = timedelta(seconds=1)
WAITING_FOR_ORIGINAL = "waiting: the message to update is not posted yet"
NO_ORIGINAL = "nothing to update: the message was never posted"

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
        shared_pacing: bool = True,
    ) -> None:
        self._sf = session_factory
        self._client = client
        self._clock = clock
        self.worker_id = worker_id
        self._batch_size = batch_size
        self._lease = lease
        self._max_attempts = max_attempts
        self._on_permanent_failure = on_permanent_failure
        budgets = {**DEFAULT_METHOD_BUDGETS, **(method_budgets or {})}
        self._pacer: Pacing = (
            SharedPacing(session_factory, budgets, channel_interval)
            if shared_pacing
            else LocalPacing(budgets, channel_interval)
        )
        self._permanent_errors = permanent_errors
        # The Slack error that refused the bot token, while sending is stopped; None while all is well.
        self.halted: str | None = None
        self._probe_at: datetime | None = None
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

    @property
    def client(self) -> AsyncWebClient:
        return self._client

    async def _round(self) -> DispatchStats:
        stats = DispatchStats()
        if self.halted is not None and not await self._auth_restored():
            return stats
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
        # A method whose own budget ran out this round (and when it has a call again): its other rows are
        # deferred without asking the pacer once each, and all deferrals are given back in one statement.
        spent: dict[str, float] = {}
        deferred: list[tuple[ClaimedSend, datetime]] = []
        for send in batch:
            now = self._clock.now()
            if send.idem_key in self._unrecorded:
                await self._record_success(send, self._unrecorded[send.idem_key], stats, replayed=True)
                continue
            if now >= send_by or self.halted is not None:
                deferred.append((send, now))
                continue
            channel = _channel_of(send)
            at = now.timestamp()
            if send.method in spent:
                wait = max(spent[send.method] - at, self._pacer.method_spacing(send.method))
            else:
                wait = await self._pacer.acquire(send.method, channel, at)
                if wait > 0 and (method_wait := await self._pacer.method_wait(send.method, at)) > 0:
                    spent[send.method] = at + method_wait
            if wait > 0:
                extra = queued_on_method[send.method] * self._pacer.method_spacing(send.method)
                if channel is not None:
                    extra = max(extra, queued_on_channel[channel] * self._pacer.channel_interval)
                    queued_on_channel[channel] += 1
                queued_on_method[send.method] += 1
                deferred.append((send, now + timedelta(seconds=wait + extra)))
                continue
            await self._attempt(send, stats)
        await self._defer_all(deferred, stats)
        return stats

    async def _auth_restored(self) -> bool:
        """While halted: try ``auth.test`` once per AUTH_PROBE_INTERVAL; True (and resume) once it passes."""
        now = self._clock.now()
        if self._probe_at is not None and now < self._probe_at:
            return False
        self._probe_at = now + AUTH_PROBE_INTERVAL
        try:
            await self._client.auth_test()
        except Exception as exc:
            log.warning("Slack still refuses the bot token (%s); sending stays stopped", exc)
            return False
        log.warning("Slack accepts the bot token again; sending resumes")
        self.halted, self._probe_at = None, None
        return True

    async def _attempt(self, send: ClaimedSend, stats: DispatchStats) -> None:
        if LOCATE_ORIGINAL in send.payload:
            located = await self._locate_original(send, stats)
            if located is None:
                return
            send = located
        if send.in_doubt and send.method == "chat.postMessage":
            found = await find_posted(self._client, send)
            if found is not None:
                stats.recovered += 1
                await self._record_success(send, found, stats, replayed=True)
                return
        try:
            result = await call_slack(self._client, send, self._permanent_errors)
        except SendError as exc:
            await self._handle_failure(send, exc, stats)
            return
        await self._record_success(send, result, stats)

    async def _locate_original(self, send: ClaimedSend, stats: DispatchStats) -> ClaimedSend | None:
        """An update queued before its message was recorded as posted: address it to the message now in
        the register; or wait while the post is still queued or in flight; or drop it if it never went."""
        spec = send.payload[LOCATE_ORIGINAL]
        where = (spec["item"], spec["purpose"], spec.get("user"))
        async with self._sf() as session:
            messages = SlackMessageRepository(session)
            found = await messages.find(*where)
            on_its_way = None if found is not None else await messages.post_on_its_way(*where)
        if found is not None:
            channel, ts = found
            payload = {k: v for k, v in send.payload.items() if k != LOCATE_ORIGINAL}
            return replace(send, payload={**payload, "channel": channel, "ts": ts})
        now = self._clock.now()
        if on_its_way is not None:
            posting, due = on_its_way
            again = now + ORIGINAL_WAIT if posting else max(due, now) + ORIGINAL_WAIT
            applied = await outbox.mark_retry(
                self._sf,
                send.id,
                worker_id=self.worker_id,
                error=WAITING_FOR_ORIGINAL,
                next_attempt_at=again,
                attempts=send.attempts,
                count_attempt=False,
            )
            stats.deferred += applied
            stats.lost += not applied
            return None
        applied = await outbox.mark_failed(
            self._sf, send.id, worker_id=self.worker_id, error=NO_ORIGINAL, now=now, attempts=send.attempts
        )
        stats.failed += applied
        stats.lost += not applied
        log.warning("outbox row %s (%s): %s", send.id, send.method, NO_ORIGINAL)
        return None

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

    async def _handle_failure(self, send: ClaimedSend, exc: SendError, stats: DispatchStats) -> None:
        now = self._clock.now()
        if exc.kind == "auth":
            if self.halted is None:
                log.error(
                    "Slack refused the bot token (%s): sending stopped, nothing is dropped; "
                    "fix SLACK_BOT_TOKEN (reinstall the app?) and sending resumes by itself",
                    exc.error,
                )
            self.halted, self._probe_at = exc.error, now + AUTH_PROBE_INTERVAL
            applied = await outbox.mark_retry(
                self._sf,
                send.id,
                worker_id=self.worker_id,
                error=exc.error,
                next_attempt_at=now,
                attempts=send.attempts,
                count_attempt=False,
            )
            stats.deferred += applied
            stats.lost += not applied
            return
        if exc.kind == "rate_limited":
            retry_after = exc.retry_after or DEFAULT_RETRY_AFTER
            await self._pacer.block(send.method, (now + retry_after).timestamp())
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

    async def _defer_all(self, deferred: list[tuple[ClaimedSend, datetime]], stats: DispatchStats) -> None:
        """Give back the rows pacing held back, uncounted, each due again when it may go."""
        if not deferred:
            return
        applied = await outbox.release_many(
            self._sf,
            [(send.id, until, send.attempts, send.in_doubt) for send, until in deferred],
            worker_id=self.worker_id,
        )
        stats.deferred += applied
        stats.lost += len(deferred) - applied


def _channel_of(send: ClaimedSend) -> str | None:
    """The channel a message is paced on (only chat.postMessage has the 1-per-second rule)."""
    if send.method != "chat.postMessage":
        return None
    channel = send.payload.get("channel")
    return channel if isinstance(channel, str) else None
