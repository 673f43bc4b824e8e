"""SlackEmulator: run the fake workspace and act in it as its people, toward the bot under test."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web

from bot.emulator import payloads
from bot.emulator.api_common import ResponseUrlStore, TriggerStore
from bot.emulator.blocks import find_element
from bot.emulator.limits import RateLimits
from bot.emulator.modals import apply_values, handle_submission_reply, missing_required, resolvers
from bot.emulator.responses import apply_response
from bot.emulator.seed import (
    DEMO_APP_ID,
    DEMO_BOT_ID,
    DEMO_BOT_USER_ID,
    DEMO_CHANNELS,
    DEMO_TEAM_DOMAIN,
    DEMO_TEAM_ID,
    DEMO_USERS,
    SeedChannel,
    SeedUser,
)
from bot.emulator.socket_mode import SocketLink, SocketModeServer
from bot.emulator.state import (
    ApiCall,
    Channel,
    Message,
    Refusal,
    UploadedFile,
    View,
    WorkspaceState,
    WorkspaceUser,
)
from bot.emulator.transport import FORM, JSON, BotLink, Reply, form_body, interactive_body, json_body
from bot.emulator.user_files import user_file
from bot.emulator.validate import validate_message
from bot.emulator.view_state import entry_from_value, is_stateful
from bot.emulator.web_api import WebApi

T = TypeVar("T")


class SlackEmulator:
    """A local Slack workspace: serves the Web API to the bot and sends it signed user actions."""

    def __init__(
        self,
        *,
        signing_secret: str,
        bot_token: str,
        app_token: str | None = None,
        users: Sequence[SeedUser] = DEMO_USERS,
        channels: Sequence[SeedChannel] = DEMO_CHANNELS,
        app_url: str | None = None,
        team_id: str = DEMO_TEAM_ID,
        team_domain: str = DEMO_TEAM_DOMAIN,
        bot_user_id: str = DEMO_BOT_USER_ID,
        bot_id: str = DEMO_BOT_ID,
        api_app_id: str = DEMO_APP_ID,
        verification_token: str = "emulator-verification-token",
        command: str = "/duban",
        trigger_ttl: float = 3.0,
        request_timeout: float = 10.0,
        rate_limits: RateLimits | None = None,
    ) -> None:
        self.state = WorkspaceState(
            team_id=team_id,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=api_app_id,
            users=users,
            channels=channels,
        )
        self.triggers = TriggerStore(trigger_ttl)
        self.responses = ResponseUrlStore()
        self.socket = SocketModeServer(app_id=api_app_id, ack_timeout=request_timeout)
        self.api = WebApi(
            self.state,
            bot_token=bot_token,
            app_token=app_token,
            triggers=self.triggers,
            responses=self.responses,
            socket=self.socket,
            rate_limits=rate_limits,
        )
        self.http_link = BotLink(signing_secret, timeout=request_timeout)
        self.http_link.app_url = app_url
        self.link: BotLink | SocketLink = self.http_link
        self.verification_token = verification_token
        self.command = command
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._runner = web.AppRunner(self.api.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.port = int(bound[1])
        self.api.base_url = self.socket.base_url = f"http://{host}:{self.port}/"
        await self.link.open()

    def use_socket_mode(self, on: bool = True) -> None:
        """Deliver every user action as a Socket Mode envelope (the app connects with its xapp- token)."""
        self.link = SocketLink(self.socket) if on else self.http_link

    async def wait_for_socket(self, max_wait: float = 10.0) -> None:
        """Until the app has connected over Socket Mode."""
        await self.socket.wait_connected(max_wait)

    async def stop(self) -> None:
        await self.socket.close()
        await self.http_link.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackEmulator:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return self.api.base_url

    @property
    def api_url(self) -> str:
        """What to give AsyncWebClient(base_url=…)."""
        return f"{self.api.base_url}api/"

    @property
    def app_url(self) -> str | None:
        return self.http_link.app_url

    @app_url.setter
    def app_url(self, url: str | None) -> None:
        self.http_link.app_url = url

    def slow_api(self, seconds: float) -> None:
        """Answer every Web API call only after ``seconds`` (0: at once), like a slow or distant Slack."""
        self.api.delay = seconds

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
        """The next `times` calls of `method` fail: HTTP `status` (Retry-After on 429), ok=false `error`, held
        `delay` seconds then served (a timeout), or `reset` (connection dropped). `method="response_url"`
        makes the next posts to any response_url meet `error` (default ``expired_url``)."""
        self.api.inject_failure(
            method, status=status, retry_after=retry_after, error=error, times=times, delay=delay, reset=reset
        )

    # ---------------------------------------------------------------- what the workspace holds
    @property
    def refusals(self) -> list[Refusal]:
        """Payloads Slack would have refused so far (each one is a bug in the bot)."""
        return list(self.state.refusals)

    def take_refusals(self) -> list[Refusal]:
        """Hand over (and forget) the refusals, for a test that provokes one on purpose."""
        taken, self.state.refusals[:] = list(self.state.refusals), []
        return taken

    @property
    def calls(self) -> list[ApiCall]:
        return self.state.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.state.calls if c.method == method]

    def set_usergroup(self, usergroup_id: str, user_ids: list[str]) -> None:
        """Create or change a Slack user group (what usergroups.users.list answers)."""
        self.state.usergroups[usergroup_id] = list(user_ids)

    def user(self, ref: str) -> WorkspaceUser:
        found = self.state.resolve_user(ref)
        if found is None:
            raise KeyError(ref)
        return found

    def dm(self, user_id: str) -> list[Message]:
        """The bot<->user IM, oldest first (thread replies included, in time order)."""
        return list(self.state.messages.get("D" + user_id[1:], []))

    def channel_messages(self, channel: str) -> list[Message]:
        found = self.state.resolve_channel(channel, allow_user=False)
        return list(self.state.messages.get(found.id, [])) if found else []

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        return self.state.thread(channel, thread_ts)

    def ephemerals(self, user_id: str, *, source: str | None = None) -> list[Message]:
        return [
            m
            for m in self.state.ephemerals
            if m.ephemeral_for == user_id and (source is None or m.source == source)
        ]

    def open_view(self, user_id: str) -> View | None:
        return self.state.top_view(user_id)

    def view_stack(self, user_id: str) -> list[View]:
        return list(self.state.modal_stacks.get(user_id, []))

    def home(self, user_id: str) -> View | None:
        return self.state.homes.get(user_id)

    def last_view_errors(self, user_id: str) -> dict[str, str]:
        return dict(self.state.view_errors.get(user_id, {}))

    @property
    def files(self) -> list[UploadedFile]:
        return list(self.state.files.values())

    # ---------------------------------------------------------------- acting as people
    def _person(self, user_id: str) -> WorkspaceUser:
        user = self.state.users.get(user_id)
        if user is None or user.deleted or user.is_bot:
            raise ValueError(f"{user_id} cannot act in the workspace")
        return user

    def _response_url(self, token: str) -> str:
        return f"{self.api.base_url}response/{token}"

    async def slash(
        self, user_id: str, text: str, *, command: str | None = None, channel: str | None = None
    ) -> Reply:
        """Run a slash command (default in the user's DM with the bot); the ack lands as Slack shows it."""
        user = self._person(user_id)
        where = self._channel(channel) if channel else self.state.im_channel(user_id)
        target = self.responses.issue(user_id, where.id)
        fields = payloads.slash_command(
            self.state,
            user=user,
            channel=where,
            command=command or self.command,
            text=text,
            response_url=self._response_url(target.token),
            trigger_id=self.triggers.issue(user_id),
            token=self.verification_token,
        )
        # Slack shows the ack before anything the bot does meanwhile, so the ack is stamped now.
        ack_ts = self.state.next_ts()
        reply = await self.post_signed(form_body(fields), FORM)
        target.acked = True
        body = reply.body if isinstance(reply.body, dict) else {"text": reply.body}
        problems = validate_message(body) if reply.status == 200 else []
        if problems:  # Slack drops the reply and tells the user the command failed
            self.state.refusals.append(Refusal("ack", problems, body))
            reply.message = self.state.add_ephemeral(
                user_id,
                where.id,
                f'{fields["command"]} failed with the error "invalid_blocks"',
                source="slack",
            )
        elif reply.status == 200 and not target.ack_superseded:
            reply.message = apply_response(self.state, target, body, source="ack", ts=ack_ts)
        elif reply.status != 200:
            reason = reply.body if reply.status == 0 else "http_service_error"
            reply.message = self.state.add_ephemeral(
                user_id, where.id, f'{fields["command"]} failed with the error "{reason}"', source="slack"
            )
        return reply

    async def click(
        self,
        user_id: str,
        message: Message,
        action_id: str,
        *,
        value: Any = None,
        block_id: str | None = None,
        button_value: str | None = None,
    ) -> Reply:
        """Press a button (or pick `value` in a select/overflow/picker) in a message or ephemeral message."""
        user = self._person(user_id)
        live = (
            self.state.find_ephemeral(message.channel, message.ts)
            if message.is_ephemeral
            else self.state.find_message(message.channel, message.ts)
        )
        if live is None:
            raise LookupError(f"message {message.ts} in {message.channel} no longer exists")
        bid, element = find_element(live.blocks, action_id, block_id=block_id, value=button_value)
        action = payloads.action_entry(bid, element, value, **resolvers(self.state))
        target = self.responses.issue(
            user_id, live.channel, message_ts=live.ts, original_is_ephemeral=live.is_ephemeral
        )
        payload = payloads.block_actions_from_message(
            self.state,
            user=user,
            message=live,
            action=action,
            trigger_id=self.triggers.issue(user_id),
            response_url=self._response_url(target.token),
            token=self.verification_token,
        )
        return await self.post_signed(interactive_body(payload), FORM)

    async def message_shortcut(self, user_id: str, message: Message, callback_id: str) -> Reply:
        """Choose a message shortcut (More actions → the app's entry) on a message someone can see."""
        user = self._person(user_id)
        target = self.responses.issue(user_id, message.channel)
        payload = payloads.message_action(
            self.state,
            user=user,
            message=message,
            callback_id=callback_id,
            trigger_id=self.triggers.issue(user_id),
            response_url=self._response_url(target.token),
            token=self.verification_token,
        )
        return await self.post_signed(interactive_body(payload), FORM)

    async def click_in_view(
        self,
        user_id: str,
        view: View,
        action_id: str,
        *,
        value: Any = None,
        block_id: str | None = None,
        button_value: str | None = None,
    ) -> Reply:
        """Operate an element inside a modal or the App Home (container type "view")."""
        user = self._person(user_id)
        live = self.state.find_view(view.id)
        if live is None:
            raise LookupError(f"view {view.id} is not open")
        bid, element = find_element(live.blocks, action_id, block_id=block_id, value=button_value)
        lookups = resolvers(self.state)
        if is_stateful(element):  # the client records the new value before telling the app
            live.state_values.setdefault(bid, {})[action_id] = entry_from_value(element, value, **lookups)
        action = payloads.action_entry(bid, element, value, **lookups)
        payload = payloads.block_actions_from_view(
            self.state,
            user=user,
            view=live,
            action=action,
            trigger_id=self.triggers.issue(user_id, view_id=live.id),
            token=self.verification_token,
        )
        return await self.post_signed(interactive_body(payload), FORM)

    async def submit(
        self, user_id: str, view: View, values: dict[str, Any] | None = None, *, enforce_required: bool = True
    ) -> Reply:
        """Fill inputs (simple values by block_id, or raw state) and press Submit."""
        user = self._person(user_id)
        live = self.state.find_view(view.id)
        if live is None or live not in self.state.modal_stacks.get(user_id, []):
            raise LookupError(f"view {view.id} is not open for {user_id}")
        apply_values(self.state, live, values)
        missing = missing_required(live) if enforce_required else {}
        if missing:  # the Slack client refuses before anything reaches the app
            self.state.view_errors[user_id] = missing
            return Reply(0, {"response_action": "errors", "errors": missing}, sent=False)
        payload = payloads.view_submission(
            self.state,
            user=user,
            view=live,
            trigger_id=self.triggers.issue(user_id, view_id=live.id),
            token=self.verification_token,
        )
        reply = await self.post_signed(interactive_body(payload), FORM)
        handle_submission_reply(self.api.ctx, user_id, live, reply)
        return reply

    async def close_view(self, user_id: str, view: View | None = None) -> Reply | None:
        """Press Cancel/✕; the app hears view_closed only if the view asked for notify_on_close."""
        user = self._person(user_id)
        stack = self.state.modal_stacks.get(user_id, [])
        live = view if view is not None and view in stack else (stack[-1] if stack else None)
        if live is None:
            return None
        cleared = live.clear_on_close
        if cleared:
            self.state.modal_stacks.pop(user_id, None)
        else:
            stack.remove(live)
            if not stack:
                self.state.modal_stacks.pop(user_id, None)
        self.state.view_errors.pop(user_id, None)
        if not live.notify_on_close:
            return None
        payload = payloads.view_closed(
            self.state, user=user, view=live, token=self.verification_token, is_cleared=cleared
        )
        return await self.post_signed(interactive_body(payload), FORM)

    def _channel(self, ref: str) -> Channel:
        found = self.state.resolve_channel(ref)
        if found is None:
            raise KeyError(f"no channel {ref!r}")
        return found

    async def post_message(
        self,
        user_id: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        file_names: tuple[str, ...] = (),
    ) -> Reply:
        """A person writes in a channel or IM (a user id: their DM with the bot); the bot gets the event.
        ``file_names``: files shared with the message (a ``file_share`` event with their permalinks)."""
        self._person(user_id)
        where = self._channel(channel)
        if user_id not in where.members:
            raise PermissionError(f"{user_id} is not in {where.id}")
        msg = self.state.add_message(where, user_id, text, thread_ts=thread_ts)
        event = payloads.user_message_event(self.state, msg)
        if file_names:
            event["subtype"] = "file_share"
            event["files"] = [user_file(self.state, user_id, name) for name in file_names]
        reply = await self.send_event(event)
        reply.message = msg
        return reply

    async def reply_in_thread(
        self, user_id: str, channel: str, thread_ts: str, text: str, *, file_names: tuple[str, ...] = ()
    ) -> Reply:
        return await self.post_message(user_id, channel, text, thread_ts=thread_ts, file_names=file_names)

    async def send_dm(self, user_id: str, text: str) -> Reply:
        return await self.post_message(user_id, self.state.im_channel(user_id).id, text)

    async def open_home(self, user_id: str, tab: str = "home") -> Reply:
        self._person(user_id)
        return await self.send_event(payloads.app_home_opened_event(self.state, user_id, tab))

    async def send_event(
        self,
        event: dict[str, Any],
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_id: str | None = None,
    ) -> Reply:
        """Deliver an Events API event_callback; pass retry_num (and the same event_id) for a redelivery."""
        envelope = payloads.event_callback(
            self.state, event, event_id=event_id or payloads.new_event_id(), token=self.verification_token
        )
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
            if retry_num is not None
            else None
        )
        return await self.post_signed(json_body(envelope), JSON, headers=headers)

    async def post_signed(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Raw delivery; override timestamp/signature to forge stale or bad requests."""
        try:
            return await self.link.post(
                body, content_type, timestamp=timestamp, signature=signature, headers=headers
            )
        finally:
            self.api.last_activity = time.monotonic()

    # ---------------------------------------------------------------- waiting for the bot
    async def settle(self, quiet: float = 0.05, max_wait: float = 3.0) -> bool:
        """Wait until the bot has made no API call for `quiet` seconds (False if it never went quiet)."""
        deadline = time.monotonic() + max_wait
        while time.monotonic() < deadline:
            busy = self.api.inflight or self.link.inflight
            if not busy and time.monotonic() - self.api.last_activity >= quiet:
                return True
            await asyncio.sleep(min(quiet / 2, 0.02))
        return False

    async def wait_for(self, predicate: Callable[[], T], max_wait: float = 2.0, interval: float = 0.01) -> T:
        """Poll until predicate() is truthy and return its value; TimeoutError otherwise."""
        deadline = time.monotonic() + max_wait
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise TimeoutError(f"condition not met within {max_wait}s")
            await asyncio.sleep(interval)
