"""The emulator's chat.postMessage limits (``bot.emulator.limits``): 1 message per second per channel and a
workspace budget with a burst; a call over either is answered 429 ``ratelimited`` with ``Retry-After``."""

from __future__ import annotations

import aiohttp
import pytest

from bot.emulator.driver import SlackEmulator
from bot.emulator.limits import RateLimits

from .conftest import BOT_TOKEN, SIGNING_SECRET


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_channel_takes_one_message_per_second() -> None:
    clock = Clock()
    limits = RateLimits(per_minute=6000, burst_seconds=10, clock=clock)
    assert limits.take("chat.postMessage", "C1") == 0
    wait = limits.take("chat.postMessage", "C1")
    assert wait == pytest.approx(1.0)
    assert limits.take("chat.postMessage", "C2") == 0  # another channel is free
    clock.t += 1.0
    assert limits.take("chat.postMessage", "C1") == 0
    assert limits.refused == 1


def test_a_user_id_and_its_dm_channel_are_one_channel() -> None:
    limits = RateLimits(clock=Clock())
    assert limits.take("chat.postMessage", "U123") == 0
    assert limits.take("chat.postMessage", "D123") > 0


def test_workspace_budget_allows_a_burst_then_its_rate() -> None:
    clock = Clock()
    limits = RateLimits(per_minute=600, burst_seconds=10, clock=clock)  # 10/s, burst of 100
    assert [limits.take("chat.postMessage", f"C{i}") for i in range(100)] == [0.0] * 100
    wait = limits.take("chat.postMessage", "C100")
    assert wait == pytest.approx(0.1)
    assert RateLimits.retry_after(wait) == 1
    clock.t += 1.0  # one second later: ten more calls, not eleven
    taken = [limits.take("chat.postMessage", f"D{i}") == 0 for i in range(11)]
    assert taken == [True] * 10 + [False]


def test_other_methods_are_not_limited() -> None:
    limits = RateLimits(per_minute=1, burst_seconds=0, clock=Clock())
    assert all(limits.take("chat.update", "C1") == 0 for _ in range(10))


async def test_over_the_limit_is_answered_429_with_retry_after() -> None:
    limits = RateLimits(per_minute=600, burst_seconds=10, clock=Clock())
    emu = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, rate_limits=limits)
    await emu.start()
    try:
        async with aiohttp.ClientSession() as http:
            url = f"{emu.api_url}chat.postMessage"
            headers = {"Authorization": f"Bearer {BOT_TOKEN}"}
            first = await http.post(url, json={"channel": "U0LEADER", "text": "one"}, headers=headers)
            assert first.status == 200 and (await first.json())["ok"]
            second = await http.post(url, json={"channel": "U0LEADER", "text": "two"}, headers=headers)
            assert second.status == 429
            assert second.headers["Retry-After"] == "1"
            assert (await second.json()) == {"ok": False, "error": "ratelimited"}
    finally:
        await emu.stop()
    refused = [c for c in emu.calls_to("chat.postMessage") if c.status == 429]
    assert len(refused) == 1
