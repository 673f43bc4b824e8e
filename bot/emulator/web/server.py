"""``duban demo --web``: one local page showing the emulated workspace, acting through the emulator driver.

The page asks /api/ui for HTML fragments of what the signed-in person sees, sends every click, submission
and message to /api/act (which calls the SlackEmulator exactly as the console does: signed requests to the
bot), and listens on /api/events (server-sent events) to refresh whenever the bot has called Slack.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from typing import Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.calendar_sources import standard_calendar
from bot.domain.calendar import WorkCalendar
from bot.emulator.console_input import escape_mentions
from bot.emulator.driver import SlackEmulator
from bot.emulator.models import Channel, Message
from bot.emulator.seed import DEMO_USERS, SeedUser
from bot.emulator.web.labels import label, lang_of
from bot.emulator.web.page import HOME, Screen

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("duban.demo.web")
Step = Callable[[], Awaitable[None]]


class DemoClock(Protocol):
    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> None: ...


class ActionError(Exception):
    """Something the page asked for that cannot be done; shown to the person as a notice."""


def next_working_morning(now: datetime, tz: ZoneInfo, start: time, calendar: WorkCalendar) -> datetime:
    """The first start of a working day strictly after ``now``."""
    local = now.astimezone(tz)
    day = local.date()
    if not (calendar.is_workday(day) and local.time() < start):
        day = calendar.next_workday(day)
    return datetime.combine(day, start, tzinfo=tz)


class WebWorkspace:
    def __init__(
        self,
        emulator: SlackEmulator,
        *,
        clock: DemoClock,
        tick: Step,
        deliver: Step,
        tz: str = "Asia/Shanghai",
        work_start: time = time(9),
        people: Sequence[SeedUser] = DEMO_USERS,
        pending: Callable[[], Awaitable[int]] | None = None,
        outbox_wait_seconds: float = 3.0,
        beat_seconds: float = 1.0,
        sweep_every: int = 10,
    ) -> None:
        self.emu, self.clock, self.tick, self.deliver = emulator, clock, tick, deliver
        self.pending, self.outbox_wait_seconds = pending, outbox_wait_seconds
        self.tz, self.work_start = ZoneInfo(tz), work_start
        self.people = [p for p in people if not p.deleted]
        self.calendar = standard_calendar()  # the official schedule and computed holidays, no local overrides
        self.langs = {p.user_id: lang_of(p.locale) for p in self.people}
        self.beat_seconds, self.sweep_every = beat_seconds, sweep_every
        self.version = 0
        self._changed = asyncio.Condition()
        self._busy = asyncio.Lock()
        self._stamps: dict[tuple[str, str, bool], datetime] = {}
        self._last_read: dict[tuple[str, str], float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.url = ""
        self.app = web.Application()
        self.app.router.add_get("/", self._index)
        self.app.router.add_static("/static/", STATIC)
        self.app.router.add_get("/api/ui", self._ui)
        self.app.router.add_get("/api/events", self._events)
        self.app.router.add_post("/api/act", self._act)
        self.app.router.add_get("/files/{file_id}", self._file)

    # ---------------------------------------------------------------- lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.url = f"http://{host}:{bound[1]}/"
        self._tasks = [asyncio.create_task(self._watch()), asyncio.create_task(self._beat())]
        return self.url

    async def stop(self) -> None:
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---------------------------------------------------------------- change tracking
    async def publish(self) -> None:
        self._stamp_new()
        self.version += 1
        async with self._changed:
            self._changed.notify_all()

    def _stamp_new(self) -> None:
        now = self.clock.now()
        for msgs in self.emu.state.messages.values():
            for msg in msgs:
                self.stamp(msg, now)
        for msg in self.emu.state.ephemerals:
            self.stamp(msg, now)

    def stamp(self, msg: Message, now: datetime | None = None) -> datetime:
        """The demo-clock time a message was first seen: what its timestamp shows on the page."""
        key = (msg.channel, msg.ts, msg.is_ephemeral)
        if key not in self._stamps:
            self._stamps[key] = now or self.clock.now()
        return self._stamps[key]

    async def _watch(self) -> None:
        """Publish whenever the bot has been calling the Web API and has gone quiet again."""
        seen = self.emu.api.last_activity
        while True:
            await asyncio.sleep(0.1)
            api = self.emu.api
            if api.last_activity != seen and not api.inflight and not self.emu.link.inflight:
                seen = api.last_activity
                await self.publish()

    async def _beat(self) -> None:
        """The demo's scheduler: deliver the outbox every beat and sweep every few beats."""
        beats = 0
        while True:
            await asyncio.sleep(self.beat_seconds)
            beats += 1
            if self._busy.locked():
                continue
            async with self._busy:
                try:
                    await (self.tick() if beats % self.sweep_every == 0 else self.deliver())
                except Exception:  # one failed beat must not stop the demo's scheduler
                    log.exception("demo scheduler beat failed")

    async def _settled(self) -> None:
        """What the console does after each command: let the bot finish, run scheduled work, finish."""
        await self.emu.settle()
        await self.tick()
        await self._drain_outbox()
        await self.emu.settle()
        await self.publish()

    async def _drain_outbox(self) -> None:
        """The dispatcher paces each channel (a message a second); wait a little for what an action
        caused, so the page answers with its whole effect. Sends scheduled for later stay queued."""
        if self.pending is None:
            return
        deadline = monotonic() + self.outbox_wait_seconds
        while await self.pending() and monotonic() < deadline:
            await asyncio.sleep(0.2)
            await self.deliver()

    # ---------------------------------------------------------------- page
    async def _index(self, request: web.Request) -> web.Response:
        return web.FileResponse(STATIC / "index.html")  # type: ignore[return-value]

    def _person(self, user_id: str) -> SeedUser:
        for person in self.people:
            if person.user_id == user_id:
                return person
        raise ActionError(f"no such person: {user_id!r}")

    def screen(self, user_id: str) -> Screen:
        return Screen(
            self.emu.state,
            user_id,
            self.langs.get(user_id, "zh"),
            self.people,
            self.stamp,
            ZoneInfo(self._person(user_id).tz),
            self.emu.last_view_errors(user_id),
        )

    def _unread(self, user_id: str, screen: Screen) -> Callable[[Channel], int]:
        def count(channel: Channel) -> int:
            last = self._last_read.get((user_id, channel.id), 0.0)
            return sum(1 for m in screen.visible(channel.id) if m.user != user_id and float(m.ts) > last)

        return count

    async def _ui(self, request: web.Request) -> web.Response:
        query = request.query
        user_id = query.get("user") or self.people[0].user_id
        try:
            screen = self.screen(user_id)
        except ActionError as error:
            return web.json_response({"ok": False, "error": str(error)}, status=400)
        channels = {c.id: c for c in [*screen.channels(), screen.im()]}
        channel = channels.get(query.get("conv", "")) or screen.im()
        tab = query.get("tab", "messages") if channel.is_im else "messages"
        main = screen.conversation(channel, tab)
        if tab != HOME:
            shown = screen.visible(channel.id)
            if shown:
                self._last_read[(user_id, channel.id)] = max(float(m.ts) for m in shown)
        thread_ts = query.get("thread", "")
        where = screen.channel_title(channel)
        return web.json_response(
            {
                "ok": True,
                "version": self.version,
                "user": user_id,
                "conv": channel.id,
                "tab": tab,
                "lang": screen.lang,
                "topbar": screen.topbar(self.clock.now()),
                "sidebar": screen.sidebar(channel.id, self._unread(user_id, screen)),
                "main": main,
                "thread": screen.thread_pane(channel.id, thread_ts) if thread_ts else "",
                "modal": screen.modal(),
                "placeholder": label(screen.lang, "message_placeholder", where=where),
                "thread_placeholder": label(screen.lang, "reply_placeholder"),
                "send": label(screen.lang, "send"),
            }
        )

    async def _events(self, request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        sent = -1
        try:
            while not self._closing:
                if sent != self.version:
                    sent = self.version
                    await response.write(f"data: {sent}\n\n".encode())
                    continue
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), timeout=15)
                if sent == self.version and not self._closing:
                    await response.write(b": keep-alive\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return response

    async def _file(self, request: web.Request) -> web.Response:
        upload = self.emu.state.files.get(request.match_info["file_id"])
        if upload is None or not upload.uploaded:
            raise web.HTTPNotFound(text="no such file")
        kind = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        how = "attachment" if request.query.get("download") else "inline"
        disposition = f"{how}; filename*=UTF-8''{quote(Path(upload.filename).name)}"
        headers = {"Content-Disposition": disposition}
        return web.Response(body=upload.content, content_type=kind, headers=headers)

    # ---------------------------------------------------------------- acting
    async def _act(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        kind = str(body.get("kind", ""))
        handler = self._actions().get(kind)
        started = monotonic()
        try:
            if handler is None:
                raise ActionError(f"unknown action {kind!r}")
            user_id = str(body.get("user", ""))
            self._person(user_id)
            async with self._busy:
                await handler(user_id, body)
                await self._settled()
        except (ActionError, KeyError, LookupError, ValueError, PermissionError) as error:
            await self.publish()
            return web.json_response({"ok": False, "error": str(error).strip("'\"")})
        except Exception as error:  # the page shows it; the terminal keeps the trace
            log.exception("demo page action %s failed", kind)
            await self.publish()
            return web.json_response({"ok": False, "error": f"{type(error).__name__}: {error}"})
        return web.json_response({"ok": True, "ms": round((monotonic() - started) * 1000)})

    def _actions(self) -> dict[str, Callable[[str, dict[str, Any]], Awaitable[None]]]:
        return {
            "click": self._click,
            "view_click": self._view_click,
            "submit": self._submit,
            "close": self._close,
            "send": self._send,
            "home": self._home,
            "lang": self._lang,
            "clock": self._clock,
        }

    def _element_args(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "value": body.get("value"),
            "block_id": body.get("block_id") or None,
            "button_value": body.get("button_value"),
        }

    async def _click(self, user_id: str, body: dict[str, Any]) -> None:
        channel, ts = str(body.get("channel", "")), str(body.get("ts", ""))
        state = self.emu.state
        find = state.find_ephemeral if body.get("ephemeral") else state.find_message
        message = find(channel, ts)
        if message is None:
            raise ActionError("that message is gone")
        await self.emu.click(user_id, message, str(body.get("action_id", "")), **self._element_args(body))

    async def _view_click(self, user_id: str, body: dict[str, Any]) -> None:
        view = self.emu.state.find_view(str(body.get("view_id", "")))
        if view is None:
            raise ActionError("that view is closed")
        action_id = str(body.get("action_id", ""))
        await self.emu.click_in_view(user_id, view, action_id, **self._element_args(body))

    async def _submit(self, user_id: str, body: dict[str, Any]) -> None:
        view = self.emu.state.find_view(str(body.get("view_id", "")))
        if view is None:
            raise ActionError("that view is closed")
        values = body.get("values") or {}
        await self.emu.submit(user_id, view, {str(k): v for k, v in values.items()})

    async def _close(self, user_id: str, body: dict[str, Any]) -> None:
        view = self.emu.state.find_view(str(body.get("view_id", "")))
        await self.emu.close_view(user_id, view)

    async def _send(self, user_id: str, body: dict[str, Any]) -> None:
        text = str(body.get("text", "")).strip()
        state, wanted = self.emu.state, str(body.get("channel", ""))
        im = state.im_channel(user_id)  # a person's DM with the bot exists from their first look
        channel = im if wanted in ("", im.id) else state.channels.get(wanted)
        if not text or channel is None or user_id not in channel.members:
            raise ActionError("nothing to send")
        users = self.emu.state.users.values()
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            where = None if channel.is_im else channel.id
            text = escape_mentions(rest.strip(), users)
            await self.emu.slash(user_id, text, command=command, channel=where)
            return
        thread_ts = str(body.get("thread_ts") or "") or None
        await self.emu.post_message(user_id, channel.id, escape_mentions(text, users), thread_ts=thread_ts)

    async def _home(self, user_id: str, body: dict[str, Any]) -> None:
        await self.emu.open_home(user_id)

    async def _lang(self, user_id: str, body: dict[str, Any]) -> None:
        lang = lang_of(str(body.get("locale", "zh")))
        self.langs[user_id] = lang
        await self.emu.slash(user_id, f"lang {lang}")

    async def _clock(self, user_id: str, body: dict[str, Any]) -> None:
        now = self.clock.now()
        op = body.get("op")
        if op == "hour":
            target = now + timedelta(hours=1)
        elif op == "day":
            target = now + timedelta(days=1)
        elif op == "morning":
            target = next_working_morning(now, self.tz, self.work_start, self.calendar)
        elif op == "date":
            try:
                day = date.fromisoformat(str(body.get("date", "")))
            except ValueError as error:
                raise ActionError("choose a date") from error
            target = datetime.combine(day, self.work_start, tzinfo=self.tz)
        else:
            raise ActionError(f"unknown clock step {op!r}")
        if target <= now:
            raise ActionError("the demo clock never goes backwards")
        self.clock.advance(target - now)
