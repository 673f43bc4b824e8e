"""Pacing of Slack Web API calls: per-method budgets (Slack's tiers, per workspace) and one message per second
per channel.

``SharedPacing`` (the default) keeps the budgets in the database (``storage.pacing``), so every replica draws
on the same budget; ``LocalPacing`` keeps them in this process (one replica, benchmarks). Both answer
``acquire(method, channel, now)`` with 0 (taken: call now) or the seconds to wait (nothing taken).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import pacing as shared

DEFAULT_METHOD_BUDGETS: Mapping[str, int] = {
    "chat.postMessage": 600,
    "chat.update": 50,
    "views.publish": 100,
    "conversations.open": 50,
    "users.info": 100,
}
UNLISTED_METHOD_BUDGET = 50  # tier 3, the common tier for write methods
CHANNEL_INTERVAL = timedelta(seconds=1)  # chat.postMessage: about one message per second per channel


class _Pacer:
    """Per-method token buckets plus per-channel spacing, on the injected clock (no sleeping)."""

    def __init__(self, budgets: Mapping[str, int], channel_interval: timedelta) -> None:
        self._budgets = dict(budgets)
        self._channel_interval = channel_interval.total_seconds()
        self._tokens: dict[str, float] = {}
        self._refilled_at: dict[str, float] = {}
        self._channel_free_at: dict[str, float] = {}
        self._blocked_until: dict[str, float] = {}

    def _rate(self, method: str) -> float:
        return self._budgets.get(method, UNLISTED_METHOD_BUDGET) / 60.0

    def _capacity(self, method: str) -> float:
        # Ten seconds' worth of burst: a round can send a batch, a minute cannot exceed the budget much.
        return max(1.0, self._rate(method) * 10.0)

    def _refill(self, method: str, now: float) -> float:
        capacity = self._capacity(method)
        tokens = self._tokens.get(method, capacity)
        elapsed = max(0.0, now - self._refilled_at.get(method, now))
        tokens = min(capacity, tokens + elapsed * self._rate(method))
        self._tokens[method], self._refilled_at[method] = tokens, now
        return tokens

    def wait(self, method: str, channel: str | None, now: float) -> float:
        """Seconds until ``method`` (to ``channel``) may be called; 0 means now."""
        waits = [self._blocked_until.get(method, now) - now]
        tokens = self._refill(method, now)
        if tokens < 1.0:
            waits.append((1.0 - tokens) / self._rate(method))
        if channel is not None:
            waits.append(self._channel_free_at.get(channel, now) - now)
        longest = max(waits)
        return longest if longest > 1e-6 else 0.0

    def take(self, method: str, channel: str | None, now: float) -> None:
        self._tokens[method] = self._refill(method, now) - 1.0
        if channel is not None:
            self._channel_free_at[channel] = now + self._channel_interval

    def block(self, method: str, until: float) -> None:
        self._blocked_until[method] = max(self._blocked_until.get(method, until), until)

    def method_spacing(self, method: str) -> float:
        return 1.0 / self._rate(method)

    @property
    def channel_interval(self) -> float:
        return self._channel_interval


class Pacing(Protocol):
    async def acquire(self, method: str, channel: str | None, now: float) -> float: ...

    async def method_wait(self, method: str, now: float) -> float:
        """Seconds until the method's own budget (any channel) has a call again; takes nothing."""
        ...

    async def block(self, method: str, until: float) -> None: ...

    def method_spacing(self, method: str) -> float: ...

    @property
    def channel_interval(self) -> float: ...


class LocalPacing:
    """Budgets held by this process only."""

    def __init__(self, budgets: Mapping[str, int], channel_interval: timedelta) -> None:
        self._pacer = _Pacer(budgets, channel_interval)

    async def acquire(self, method: str, channel: str | None, now: float) -> float:
        wait = self._pacer.wait(method, channel, now)
        if wait == 0:
            self._pacer.take(method, channel, now)
        return wait

    async def method_wait(self, method: str, now: float) -> float:
        return self._pacer.wait(method, None, now)

    async def block(self, method: str, until: float) -> None:
        self._pacer.block(method, until)

    def method_spacing(self, method: str) -> float:
        return self._pacer.method_spacing(method)

    @property
    def channel_interval(self) -> float:
        return self._pacer.channel_interval


class SharedPacing:
    """The same budgets, kept in the ``pacing`` table and taken atomically: replicas share them."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        budgets: Mapping[str, int],
        channel_interval: timedelta,
    ) -> None:
        self._sf = session_factory
        self._shape = _Pacer(budgets, channel_interval)  # rates and burst sizes, never its state

    def _method_budget(self, method: str) -> shared.Budget:
        interval = self._shape.method_spacing(method)
        burst = self._shape._capacity(method)
        return shared.Budget(f"method:{method}", interval, max(0.0, (burst - 1.0) * interval))

    async def acquire(self, method: str, channel: str | None, now: float) -> float:
        # A 429's rest is its own key: the bucket itself is left as it was, as Slack's is.
        budgets = [self._method_budget(method), shared.Budget(f"rest:{method}", 0.0)]
        if channel is not None and self.channel_interval > 0:
            budgets.append(shared.Budget(f"channel:{channel}", self.channel_interval))
        return await shared.take(self._sf, budgets, now)

    async def method_wait(self, method: str, now: float) -> float:
        return await shared.peek(
            self._sf, [self._method_budget(method), shared.Budget(f"rest:{method}", 0.0)], now
        )

    async def block(self, method: str, until: float) -> None:
        await shared.block(self._sf, shared.Budget(f"rest:{method}", 0.0), until)

    def method_spacing(self, method: str) -> float:
        return self._shape.method_spacing(method)

    @property
    def channel_interval(self) -> float:
        return self._shape.channel_interval
