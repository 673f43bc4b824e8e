"""Slack's posting limits, enforced by the emulator when asked (``SlackEmulator(rate_limits=…)``).

Slack documents chat.postMessage as "1 message per second per channel" with a workspace-wide limit it does
not publish. The emulator models both as GCRA budgets (a token bucket kept in one number per key): each
channel may receive one message per ``channel_interval`` seconds, and the workspace ``per_minute`` messages
a minute with bursts of up to ``burst_seconds`` worth of them. A call over either budget is answered
HTTP 429 ``ratelimited`` with ``Retry-After`` (whole seconds, rounded up), as Slack does, and takes nothing.

Time is read from ``clock`` (seconds), so a benchmark on a manual clock sees the limits in simulated time.
Off by default: every other test sees an unlimited workspace.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

LIMITED_METHODS = frozenset({"chat.postMessage"})
EPSILON = 1e-6


@dataclass
class RateLimits:
    per_minute: int = 600  # workspace budget for chat.postMessage
    burst_seconds: float = 10.0  # how much of it may go at once
    channel_interval: float = 1.0  # per channel
    clock: Callable[[], float] = time.time
    _next_at: dict[str, float] = field(default_factory=dict)
    refused: int = 0  # calls answered 429 so far

    @property
    def interval(self) -> float:
        return 60.0 / self.per_minute

    @property
    def tolerance(self) -> float:
        burst = max(1.0, self.per_minute / 60.0 * self.burst_seconds)
        return (burst - 1.0) * self.interval

    def take(self, method: str, channel: str | None) -> float:
        """0 when the call may go (and it is counted), else the seconds until it may."""
        if method not in LIMITED_METHODS:
            return 0.0
        now = self.clock()
        budgets = [(f"method:{method}", self.interval, self.tolerance)]
        if channel:
            if channel.startswith(("U", "W")):
                channel = "D" + channel[1:]  # a user id addresses the bot's DM with them
            budgets.append((f"channel:{channel}", self.channel_interval, 0.0))
        wait = max(self._next_at.get(key, 0.0) - tolerance - now for key, _, tolerance in budgets)
        if wait > EPSILON:
            self.refused += 1
            return wait
        for key, interval, _ in budgets:
            self._next_at[key] = max(self._next_at.get(key, 0.0), now) + interval
        return 0.0

    @staticmethod
    def retry_after(wait: float) -> int:
        return max(1, math.ceil(wait - EPSILON))
