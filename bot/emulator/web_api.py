"""The HTTP face of the emulator: /api/<method>, response URLs and the file upload endpoint."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.emulator import api_methods, api_views
from bot.emulator.api_common import (
    ApiContext,
    ApiError,
    Handler,
    ResponseUrlStore,
    TriggerStore,
    decode_json_params,
)
from bot.emulator.limits import RateLimits
from bot.emulator.responses import apply_response
from bot.emulator.socket_mode import SocketModeServer
from bot.emulator.state import ApiCall, Refusal, WorkspaceState
from bot.emulator.validate import validate_message

METHODS: dict[str, Handler] = {**api_methods.METHODS, **api_views.METHODS}
_APP_TOKEN_METHOD = "apps.connections.open"
_ERRORS_BY_STATUS = {
    429: "ratelimited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


# inject_failure("response_url", error="expired_url"): the next posts to a response_url find it dead.
RESPONSE_URL = "response_url"


@dataclass
class InjectedFailure:
    """What the next ``remaining`` calls of a method meet.

    ``error``: ok=false with that Slack error (HTTP 200); ``status``: that HTTP status (Retry-After on 429);
    ``delay``: the call is held that many seconds and then served normally (a client with a shorter timeout
    gives up while Slack still acts, as a real slow Slack does); ``reset``: the connection is dropped before
    any answer, which the client sees as a refused/reset connection and Slack did nothing.
    """

    status: int
    retry_after: int | None
    error: str | None
    remaining: int
    delay: float = 0.0
    reset: bool = False


class WebApi:
    """aiohttp application serving the emulated Web API against a WorkspaceState."""

    def __init__(
        self,
        state: WorkspaceState,
        *,
        bot_token: str,
        triggers: TriggerStore,
        responses: ResponseUrlStore,
        app_token: str | None = None,
        socket: SocketModeServer | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        self.state, self.bot_token, self.app_token = state, bot_token, app_token
        self.rate_limits = rate_limits  # None: no posting limits (every test but the dispatch benchmark)
        self.socket = socket
        self.responses = responses
        self.base_url = ""  # "http://host:port/", set once the server is bound
        self.ctx = ApiContext(state, triggers, lambda: self.base_url)
        self.failures: dict[str, list[InjectedFailure]] = {}
        self.inflight = 0
        self.delay = 0.0  # seconds before answering any Web API call: a slow or distant Slack
        self.last_activity = time.monotonic()
        self.app = web.Application(middlewares=[self._track], client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/response/{token}", self._response_url)
        self.app.router.add_post("/upload/{file_id}", self._upload)
        if socket is not None:
            socket.mount(self.app)

    def inject_failure(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
        times: int = 1,
        delay: float = 0.0,
        reset: bool = False,
    ) -> None:
        failure = InjectedFailure(status, retry_after, error, times, delay, reset)
        self.failures.setdefault(method, []).append(failure)

    @web.middleware
    async def _track(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        # settle() in the driver watches these to know when the bot has gone quiet.
        if request.path.startswith("/socket-mode/"):  # an open socket is not activity; its envelopes are
            return await handler(request)
        self.inflight += 1
        self.last_activity = time.monotonic()
        try:
            return await handler(request)
        finally:
            self.inflight -= 1
            self.last_activity = time.monotonic()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ApiError("json_not_object")
                params.update(body)
            else:
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
        return decode_json_params(params)

    def _record(self, method: str, params: dict[str, Any], status: int, error: str | None, at: float) -> None:
        clean = {k: v for k, v in params.items() if k != "token"}
        self.state.calls.append(ApiCall(method, clean, status, error is None and status == 200, error, at))

    def _take_failure(self, method: str) -> InjectedFailure | None:
        queue = self.failures.get(method) or []
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure

    def _check_token(self, request: web.Request, params: dict[str, Any], method: str) -> None:
        """A bot token for the Web API, the app-level token (xapp-) for apps.connections.open only."""
        header = request.headers.get("Authorization", "")
        token = (
            header.removeprefix("Bearer ").strip()
            if header.startswith("Bearer ")
            else str(params.get("token", ""))
        )
        if not token:
            raise ApiError("not_authed")
        wants_app_token = method == _APP_TOKEN_METHOD
        if token in (self.bot_token, self.app_token) and (token == self.app_token) != wants_app_token:
            raise ApiError("not_allowed_token_type")
        if token != (self.app_token if wants_app_token else self.bot_token):
            raise ApiError("invalid_auth")

    def _open_connection(self) -> dict[str, Any]:
        if self.socket is None or not self.app_token:
            raise ApiError("not_allowed_token_type")  # Socket Mode is off for this app
        return {"ok": True, "url": self.socket.issue_url()}

    async def _api(self, request: web.Request) -> web.Response:
        at = time.time()
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        method = request.match_info["method"]
        try:
            params = await self._params(request)
        except (ApiError, json.JSONDecodeError) as exc:
            error = exc.error if isinstance(exc, ApiError) else "invalid_json"
            self._record(method, {}, 200, error, at)
            return web.json_response({"ok": False, "error": error})
        handler = METHODS.get(method)
        failure = self._take_failure(method) if handler else None
        if failure is not None and failure.reset:
            self._record(method, params, 0, "connection_reset", at)
            if request.transport is not None:
                request.transport.abort()  # no answer at all: Slack never saw the call
            raise ConnectionResetError("injected connection reset")
        if failure is not None and failure.delay:
            await asyncio.sleep(failure.delay)  # then served as usual: Slack acted, the client may have gone
            failure = None
        if failure is not None:
            if failure.error is not None:
                self._record(method, params, 200, failure.error, at)
                return web.json_response({"ok": False, "error": failure.error})
            error = _ERRORS_BY_STATUS.get(failure.status, "fatal_error")
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            self._record(method, params, failure.status, error, at)
            return web.json_response({"ok": False, "error": error}, status=failure.status, headers=headers)
        try:
            if handler is None and method != _APP_TOKEN_METHOD:
                raise ApiError("unknown_method")
            self._check_token(request, params, method)
            if self.rate_limits is not None and handler is not None:
                wait = self.rate_limits.take(method, params.get("channel"))
                if wait > 0:
                    headers = {"Retry-After": str(self.rate_limits.retry_after(wait))}
                    self._record(method, params, 429, "ratelimited", at)
                    return web.json_response(
                        {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                    )
            body = handler(self.ctx, params) if handler is not None else self._open_connection()
        except ApiError as exc:
            self._record(method, params, 200, exc.error, at)
            if exc.messages:  # blocks or a view Slack would refuse
                clean = {k: v for k, v in params.items() if k != "token"}
                self.state.refusals.append(Refusal(method, exc.messages, clean))
            return web.json_response(exc.body())
        self._record(method, params, 200, None, at)
        return web.json_response(body, headers=api_methods.response_headers(self.ctx, method))

    async def _response_url(self, request: web.Request) -> web.Response:
        failure = self._take_failure(RESPONSE_URL)
        try:
            if failure is not None:
                raise ApiError(failure.error or "expired_url")
            target = self.responses.use(request.match_info["token"])
        except ApiError as exc:
            self._record(RESPONSE_URL, {}, 404, exc.error, time.time())
            return web.json_response(exc.body(), status=404)
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return web.json_response({"ok": False, "error": "invalid_json"}, status=400)
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
        problems = validate_message(body)
        if problems:
            self.state.refusals.append(Refusal("response_url", problems, body))
            error = ApiError("invalid_blocks", messages=problems)
            return web.json_response(error.body(), status=400)
        apply_response(self.state, target, body, source="response_url")
        return web.json_response({"ok": True})

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.state.files.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="file not found")
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            part = await reader.next()
            data = await part.read() if isinstance(part, BodyPartReader) else b""
        else:
            data = await request.read()
        upload.content, upload.uploaded = bytes(data), True
        return web.Response(text=f"OK - {len(data)}")
