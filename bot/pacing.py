"""Local pacing of Slack Web API calls: per-method token buckets and per-channel spacing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

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
