"""Socket Mode as Slack speaks it: apps.connections.open hands out a ws:// URL, the app connects, and every
request travels as an envelope the app acknowledges (with a payload where Slack accepts one).

Envelopes sent: `hello` on connect; `events_api`, `slash_commands`, `interactive` carrying requests;
`disconnect` (reason `refresh_requested`, `warning`, `link_disabled`, …) asking the app to reconnect.
An ack is `{"envelope_id": …, "payload": {…}}`: a slash command's payload is its reply, a view
submission's its `response_action`. No ack within the timeout is what Slack reports as a timeout.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from bot.emulator.transport import JSON, Reply

# Interactions whose ack may carry a payload (the others are acknowledged empty).
_ANSWERABLE = frozenset({"view_submission", "block_suggestion"})


@dataclass
class Connection:
    ws: web.WebSocketResponse
    id: str
    opened_at: float = field(default_factory=time.monotonic)
    retiring: bool = False  # told to disconnect; new envelopes go elsewhere


class SocketModeServer:
    """The WebSocket side of the emulator; mounted on the Web API's aiohttp app."""

    def __init__(self, *, app_id: str, ack_timeout: float = 10.0) -> None:
        self.app_id = app_id
        self.ack_timeout = ack_timeout
        self.base_url = ""  # "http://host:port/", set once the server is bound
        self.connections: list[Connection] = []
        self.opened = 0  # connections ever accepted, for tests of reconnection
        self.inflight = 0
        self._tickets: set[str] = set()
        self._acks: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        self._ready = asyncio.Event()

    def mount(self, app: web.Application) -> None:
        app.router.add_get("/socket-mode/{ticket}", self._accept)

    def issue_url(self) -> str:
        """What apps.connections.open returns: a single-use ws:// URL."""
        ticket = secrets.token_urlsafe(16)
        self._tickets.add(ticket)
        return self.base_url.replace("http://", "ws://", 1) + f"socket-mode/{ticket}"

    @property
    def live(self) -> list[Connection]:
        return [c for c in self.connections if not c.retiring and not c.ws.closed]

    async def wait_connected(self, max_wait: float = 10.0) -> None:
        deadline = time.monotonic() + max_wait
        while not self.live:
            if time.monotonic() >= deadline:
                raise TimeoutError("no Socket Mode connection")
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), timeout=max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                continue

    async def _accept(self, request: web.Request) -> web.StreamResponse:
        ticket = request.match_info["ticket"]
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid or used ticket")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = Connection(ws, secrets.token_hex(4))
        self.connections.append(conn)
        self.opened += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.live),
                "debug_info": {"host": "emulator", "build_number": 1, "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }
        )
        for old in self.connections:  # a refreshed app has moved over; let the old link go
            if old.retiring and not old.ws.closed:
                await old.ws.close()
        self._ready.set()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_ack(message.data)
        finally:
            self.connections.remove(conn)
        return ws

    def _on_ack(self, raw: str) -> None:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return
        future = self._acks.get(str(data.get("envelope_id", ""))) if isinstance(data, dict) else None
        if future is not None and not future.done():
            payload = data.get("payload")
            future.set_result(payload if isinstance(payload, dict) else None)

    async def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> Reply:
        """Deliver one envelope and wait for its ack; status 0 when nobody acknowledges in time."""
        started = time.monotonic()
        live = self.live
        if not live:
            return Reply(0, "no_socket_connection", elapsed=0.0, sent=False)
        envelope_id = secrets.token_hex(16)
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        future: asyncio.Future[dict[str, Any] | None] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        self.inflight += 1
        try:
            await live[-1].ws.send_json(envelope)
            ack = await asyncio.wait_for(future, timeout=self.ack_timeout)
        except TimeoutError:
            return Reply(0, "operation_timeout", elapsed=time.monotonic() - started, sent=False)
        finally:
            self.inflight -= 1
            self._acks.pop(envelope_id, None)
        return Reply(200, ack if ack and accepts_response_payload else "", elapsed=time.monotonic() - started)

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every connected app to reconnect, as Slack does before recycling a connection."""
        for conn in self.live:
            conn.retiring = True
            await conn.ws.send_json(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "emulator"}}
            )

    async def close(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close()


class SocketLink:
    """Stands in for BotLink: the same requests, delivered as Socket Mode envelopes instead of signed HTTP."""

    def __init__(self, server: SocketModeServer) -> None:
        self.server = server
        self.app_url: str | None = None  # unused; kept so the driver can treat both links alike

    @property
    def inflight(self) -> int:
        return self.server.inflight

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        # Socket Mode has no signatures: the connection itself is authenticated by the app token.
        if content_type == JSON:
            retry = dict(headers or {})
            return await self.server.send(
                "events_api",
                json.loads(body),
                accepts_response_payload=False,
                retry_attempt=int(retry.get("X-Slack-Retry-Num", 0)),
                retry_reason=retry.get("X-Slack-Retry-Reason", ""),
            )
        fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
        if set(fields) == {"payload"}:
            payload = json.loads(fields["payload"])
            answerable = payload.get("type") in _ANSWERABLE
            return await self.server.send("interactive", payload, accepts_response_payload=answerable)
        return await self.server.send("slash_commands", fields, accepts_response_payload=True)
