"""Signed Slack requests for the HTTP load benchmarks: slash commands, an Acknowledge click
(block_actions) and a report submission (view_submission), and one closed-loop generator.

Clicks carry a response_url pointing at a small local endpoint (``Hooks``) that answers 200 like Slack's
and counts the answers that are refusals (``:warning:``), so a click's latency includes its answer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from messages.notices import ACK
from messages.report_forms import DONE, KIND, PERCENT, REPORT_CALLBACK, STATUS

FORM = "application/x-www-form-urlencoded"
Request = tuple[bytes, dict[str, str]]


@dataclass
class Hooks:
    """A response_url endpoint: 200 to everything, counting posts and refusals."""

    posts: int = 0
    refusals: int = 0
    samples: list[str] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        async def hook(request: web.Request) -> web.Response:
            body = await request.text()
            self.posts += 1
            if ":warning:" in body:
                self.refusals += 1
                if len(self.samples) < 3:
                    self.samples.append(body[:300])
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post("/hooks/{n}", hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/hooks"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class Signer:
    def __init__(self, secret: str, response_url: str = "http://127.0.0.1:9/hooks") -> None:
        self.verifier = SignatureVerifier(secret)
        self.response_url = response_url

    def _signed(self, body: bytes) -> Request:
        ts = str(int(time.time()))
        return body, {
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body),
        }

    def slash(self, user: str, text: str, n: int) -> Request:
        return self._signed(
            urlencode(
                {
                    "token": "bench",
                    "team_id": "T0DUBAN",
                    "team_domain": "duban",
                    "channel_id": "D0BENCH",
                    "channel_name": "directmessage",
                    "user_id": user,
                    "user_name": user,
                    "command": "/duban",
                    "text": text,
                    "api_app_id": "A0DUBAN",
                    "is_enterprise_install": "false",
                    "response_url": f"{self.response_url}/{n}",
                    "trigger_id": f"bench.{n}.{time.monotonic_ns()}",
                }
            ).encode()
        )

    def _interactive(self, payload: dict[str, object]) -> Request:
        return self._signed(urlencode({"payload": json.dumps(payload)}).encode())

    def ack_click(self, user: str, item_id: int, n: int) -> Request:
        """The Acknowledge button of the supervision notice of ``item_id``, pressed by ``user``."""
        return self._interactive(
            {
                "type": "block_actions",
                "user": {"id": user, "username": user, "name": user, "team_id": "T0DUBAN"},
                "api_app_id": "A0DUBAN",
                "token": "bench",
                "container": {
                    "type": "message",
                    "message_ts": f"1700000000.{n:06d}",
                    "channel_id": "D0BENCH",
                },
                "trigger_id": f"bench.{n}.{time.monotonic_ns()}",
                "team": {"id": "T0DUBAN", "domain": "duban"},
                "enterprise": None,
                "is_enterprise_install": False,
                "channel": {"id": "D0BENCH", "name": "directmessage"},
                "response_url": f"{self.response_url}/{n}",
                "actions": [
                    {
                        "type": "button",
                        "action_id": ACK,
                        "block_id": "notice_actions",
                        "value": str(item_id),
                        "text": {"type": "plain_text", "text": "Acknowledge"},
                        "action_ts": f"{time.time():.6f}",
                    }
                ],
            }
        )

    def report(self, user: str, item_id: int, n: int) -> Request:
        """The report form of ``item_id`` submitted by its owner ``user`` (a progress report)."""

        def select(value: str) -> dict[str, object]:
            return {"type": "static_select", "selected_option": {"value": value}}

        values = {
            KIND: {KIND: select("progress")},
            PERCENT: {PERCENT: {"type": "number_input", "value": "50"}},
            STATUS: {STATUS: select("on_track")},
            DONE: {DONE: {"type": "plain_text_input", "value": f"第 {n} 次续报：已完成阶段工作。"}},
        }
        return self._interactive(
            {
                "type": "view_submission",
                "team": {"id": "T0DUBAN", "domain": "duban"},
                "user": {"id": user, "username": user, "name": user, "team_id": "T0DUBAN"},
                "api_app_id": "A0DUBAN",
                "token": "bench",
                "trigger_id": f"bench.{n}.{time.monotonic_ns()}",
                "view": {
                    "id": f"VBENCH{n:06d}{time.monotonic_ns() % 1_000_000:06d}",
                    "team_id": "T0DUBAN",
                    "type": "modal",
                    "callback_id": REPORT_CALLBACK,
                    "private_metadata": str(item_id),
                    "blocks": [],
                    "state": {"values": values},
                    "hash": "bench",
                    "app_id": "A0DUBAN",
                    "bot_id": "B0DUBAN",
                },
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )


@dataclass
class Outcome:
    rps: float
    latencies: list[float]
    failures: int  # not HTTP 200, or a modal answered with field errors
    sample: str = ""


async def load(url: str, make: Callable[[int], Request], concurrency: int, requests: int) -> Outcome:
    """``requests`` requests (``make(n)`` builds the n-th), ``concurrency`` at a time, closed loop."""
    latencies: list[float] = []
    failures = 0
    sample = ""
    counter = iter(range(requests))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            nonlocal failures, sample
            for n in counter:
                body, headers = make(n)
                started = time.perf_counter()
                async with http.post(url, data=body, headers=headers) as resp:
                    text = await resp.text()
                    ok = resp.status == 200 and '"response_action": "errors"' not in text
                latencies.append(time.perf_counter() - started)
                if not ok:
                    failures += 1
                    sample = sample or f"HTTP {resp.status}: {text[:300]}"

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - began
    return Outcome(requests / wall, latencies, failures, sample)
