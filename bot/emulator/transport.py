"""Signed HTTP delivery to the bot's request URL, the way Slack's servers do it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp

if TYPE_CHECKING:
    from bot.emulator.state import Message

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sign(signing_secret: str, timestamp: int | str, body: bytes | str) -> str:
    """Slack's v0 signature: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def form_body(fields: Mapping[str, str]) -> bytes:
    return urlencode(fields).encode()


def interactive_body(payload: dict[str, Any]) -> bytes:
    """Interactivity arrives as a form with a single `payload` field holding JSON."""
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()


def json_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


@dataclass
class Reply:
    """The bot's HTTP answer to one request from 'Slack'. status 0 means nothing was delivered."""

    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0
    sent: bool = True
    message: Message | None = None  # the message a user action created, when there is one

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}

    @property
    def text(self) -> str:
        if isinstance(self.body, str):
            return self.body
        return str(self.body.get("text", ""))


class BotLink:
    """One aiohttp session to the bot; every request carries a fresh, real-time signature."""

    def __init__(self, signing_secret: str, *, timeout: float = 10.0) -> None:
        self.signing_secret = signing_secret
        self.timeout = timeout
        self.app_url: str | None = None
        self.inflight = 0
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        if not self.app_url:
            raise RuntimeError("set SlackEmulator.app_url to the bot's request URL first")
        await self.open()
        assert self._session is not None
        ts = int(time.time()) if timestamp is None else timestamp
        sent_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else sign(self.signing_secret, ts, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {}),
        }
        started = time.monotonic()
        self.inflight += 1
        try:
            async with self._session.post(self.app_url, data=body, headers=sent_headers) as resp:
                raw = await resp.text()
                return Reply(
                    resp.status,
                    _parse(raw, resp.content_type),
                    dict(resp.headers),
                    time.monotonic() - started,
                )
        except TimeoutError:
            return Reply(0, "operation_timeout", elapsed=time.monotonic() - started, sent=False)
        except aiohttp.ClientError as exc:
            return Reply(0, f"dispatch_failed: {exc}", elapsed=time.monotonic() - started, sent=False)
        finally:
            self.inflight -= 1


def _parse(raw: str, content_type: str) -> dict[str, Any] | str:
    if content_type == JSON or raw.lstrip().startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        return data if isinstance(data, dict) else raw
    return raw
