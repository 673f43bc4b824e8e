"""DemoConsole: play any person of the demo organisation from a terminal (or a script on stdin)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TextIO
from zoneinfo import ZoneInfo

from bot.emulator.console_input import escape_mentions, find_person, parse_answer, parse_clock
from bot.emulator.console_modal import ModalWalker
from bot.emulator.driver import SlackEmulator
from bot.emulator.models import Message, View
from bot.emulator.render import Pressable, pad, render_message, render_view
from bot.emulator.seed import DEMO_USERS, SeedUser

HELP = """\
commands:
  users                    list people (numbered)          as <id|number|name>   become someone
  /duban …                 run a slash command (@name becomes a mention)
  inbox [N]                your DM with the bot              channel [#name]       channel posts
  press <n>                press button n of the last listing
  reply <msg n> <text>     reply in the thread of message n  thread <msg n>       show that thread
  say <text>               write to the bot in your DM       home                  open App Home
  modal                    continue filling the open modal   cancel                close the modal
  clock [+2d|+3h|+2d 10:00|mon 09:30|YYYY-MM-DD HH:MM]   show or move demo time (never backwards)
  files                    list uploaded files, save them under the output folder
  help                     this text                         quit                  leave"""


class DemoClock(Protocol):
    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> None: ...


async def _stdin_lines() -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        yield line


class DemoConsole:
    def __init__(
        self,
        emulator: SlackEmulator,
        *,
        clock: DemoClock,
        after_step: Callable[[], Awaitable[None]],
        tz: str = "Asia/Shanghai",
        out: TextIO = sys.stdout,
        users: Sequence[SeedUser] = DEMO_USERS,
        output_dir: str | Path = "demo-output",
        echo: bool | None = None,
        listing_size: int = 10,
    ) -> None:
        self.emu, self.clock, self.after_step = emulator, clock, after_step
        self.tz = ZoneInfo(tz)
        self.out = out
        if out is sys.stdout and (getattr(out, "encoding", "") or "").lower().replace("-", "") != "utf8":
            sys.stdout.reconfigure(encoding="utf-8", errors="replace")  # Chinese must not crash a C locale
        self.people = [u for u in users if not u.deleted]
        self.output_dir = Path(output_dir)
        self.echo = echo
        self.listing_size = listing_size
        self.current = self.people[0].user_id
        self._seen: dict[str, set[tuple[str, str, int]]] = {}
        self._shown_view: dict[str, tuple[str, str]] = {}
        self._messages: list[Message] = []
        self._pressables: list[tuple[Message | View, Pressable]] = []
        self._lines: AsyncIterator[str] | None = None
        self._home_requested = False
        self.news_limit = 2 * listing_size
        self.modal = ModalWalker(self)

    # ---------------------------------------------------------------- io
    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def prompt(self) -> str:
        seed = next(u for u in self.people if u.user_id == self.current)
        if seed.roles:
            what = ",".join(seed.roles)
        else:
            what = f"{'head' if seed.is_head else 'staff'}/{seed.department}"
        return f"[{seed.name} {what}] > "

    async def read(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        assert self._lines is not None
        try:
            line = await anext(self._lines)
        except StopAsyncIteration:
            self.say()
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            self.say(line)
        return line

    def name_of(self, user_id: str) -> str:
        return self.emu.state.display_name(user_id)

    def now_text(self) -> str:
        local = self.clock.now().astimezone(self.tz)
        return f"{local:%Y-%m-%d %H:%M %a} ({self.tz.key})"

    # ---------------------------------------------------------------- main loop
    async def run(self, lines: AsyncIterator[str] | None = None) -> None:
        if self.echo is None:
            self.echo = lines is not None or not sys.stdin.isatty()
        self._lines = lines if lines is not None else _stdin_lines()
        self.say("Duban demo workspace. Type `help` for commands, `users` to see who you can be.")
        self.say(f"Demo time: {self.now_text()}")
        self.show_news()
        while True:
            line = await self.read(self.prompt())
            if line is None:
                break
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line in ("quit", "exit"):
                break
            try:
                await self.dispatch(line)
            except (KeyError, LookupError, ValueError, PermissionError) as exc:
                self.say(f"! {exc}")
            await self.step()
        self.say("bye")

    async def dispatch(self, line: str) -> None:
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            await self.emu.slash(
                self.current, escape_mentions(text.strip(), self.emu.state.users.values()), command=command
            )
            return
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        handler = {
            "help": self.cmd_help,
            "users": self.cmd_users,
            "as": self.cmd_as,
            "inbox": self.cmd_inbox,
            "channel": self.cmd_channel,
            "press": self.cmd_press,
            "reply": self.cmd_reply,
            "thread": self.cmd_thread,
            "say": self.cmd_say,
            "home": self.cmd_home,
            "clock": self.cmd_clock,
            "files": self.cmd_files,
            "modal": self.cmd_modal,
            "cancel": self.cmd_cancel,
        }.get(word)
        if handler is None:
            self.say(f"? unknown command {word!r}; type `help` (slash commands start with /)")
            return
        await handler(rest)

    async def step(self) -> None:
        """Let the bot finish, run its scheduled work, then show whatever is new for the current user."""
        await self.emu.settle()
        await self.after_step()
        await self.emu.settle()
        self.show_news()
        await self.modal.maybe_walk()

    # ---------------------------------------------------------------- news
    def _key(self, msg: Message) -> tuple[str, str, int]:
        return (msg.channel, msg.ts, msg.version)

    def _visible(self, user_id: str) -> list[Message]:
        msgs = [m for c in self.emu.state.channels_of(user_id) for m in self.emu.state.messages.get(c.id, [])]
        msgs += self.emu.ephemerals(user_id)
        return sorted(msgs, key=lambda m: m.ts)

    def show_news(self) -> None:
        seen = self._seen.setdefault(self.current, set())
        fresh = [m for m in self._visible(self.current) if self._key(m) not in seen]
        seen.update(self._key(m) for m in fresh)
        hidden = len(fresh) - self.news_limit
        if hidden > 0:  # first look as someone with a long history: keep the screen readable
            self.say(f"({hidden} older messages not shown; see `inbox` / `channel`)")
            fresh = fresh[-self.news_limit :]
        if fresh:
            self.show_listing(fresh, title=None)
        if self._home_requested:
            self._home_requested = False
            home = self.emu.home(self.current)
            if home is None:
                self.say("(the bot published no App Home)")
            else:
                self.show_view(home)

    def _where(self, msg: Message) -> str:
        channel = self.emu.state.channels.get(msg.channel)
        if channel is None or channel.is_im:
            return "DM"
        return f"#{channel.name}"

    def show_listing(self, msgs: list[Message], *, title: str | None) -> None:
        """Print messages numbered #1…, with their buttons numbered [1]… across the whole listing."""
        self._messages, self._pressables = list(msgs), []
        if title:
            self.say(title)
        for number, msg in enumerate(msgs, start=1):
            shown = render_message(msg, self.name_of, number=number, start=len(self._pressables) + 1)
            self._pressables += [(msg, p) for p in shown.pressables]
            self.say(f"[{self._where(msg)}] {shown.text}")

    def show_view(self, view: View, errors: dict[str, str] | None = None) -> None:
        shown = render_view(view, self.name_of, start=1, errors=errors)
        self._pressables = [(view, p) for p in shown.pressables]
        self._shown_view[self.current] = (view.id, view.hash)
        self.say(shown.text)

    def view_is_new(self, view: View) -> bool:
        return self._shown_view.get(self.current) != (view.id, view.hash)

    # ---------------------------------------------------------------- commands
    async def cmd_help(self, rest: str) -> None:
        self.say(HELP)

    async def cmd_users(self, rest: str) -> None:
        width = max(len(u.user_id) for u in self.people) + 2
        for number, seed in enumerate(self.people, start=1):
            roles = ",".join(seed.roles) or ("head" if seed.is_head else "staff")
            dept = seed.department or "-"
            me = " ←" if seed.user_id == self.current else ""
            self.say(
                f"{number:>2}. {pad(seed.user_id, width)}{pad(seed.name, 12)} {pad(roles, 18)} "
                f"{pad(dept, 8)} {seed.locale} {seed.tz}{me}"
            )

    async def cmd_as(self, rest: str) -> None:
        if rest.isdigit() and 1 <= int(rest) <= len(self.people):
            user_id = self.people[int(rest) - 1].user_id
        else:
            ids = {u.user_id for u in self.people}
            found = find_person(rest, [u for u in self.emu.state.users.values() if u.id in ids])
            if found is None:
                raise LookupError(f"no such person: {rest!r} (try `users`)")
            user_id = found.id
        self.current = user_id
        self._messages, self._pressables = [], []
        self.say(f"you are now {self.name_of(user_id)} ({user_id})")

    async def cmd_inbox(self, rest: str) -> None:
        size = int(rest) if rest.isdigit() else self.listing_size
        msgs = self.emu.dm(self.current)[-size:]
        self.show_listing(
            msgs, title=f"-- DM with the bot (last {len(msgs)}) --" if msgs else "-- DM is empty --"
        )

    async def cmd_channel(self, rest: str) -> None:
        channels = [c for c in self.emu.state.channels_of(self.current) if not c.is_im]
        if rest:
            channel = self.emu.state.resolve_channel(rest, allow_user=False)
        else:
            channel = channels[0] if channels else None
        if channel is None or channel.is_im:
            raise LookupError(f"no such channel: {rest or '(you are in none)'}")
        msgs = [m for m in self.emu.channel_messages(channel.id) if not m.is_reply][-self.listing_size :]
        self.show_listing(msgs, title=f"-- #{channel.name} (last {len(msgs)}) --")

    def _message(self, ref: str) -> Message:
        number = ref.lstrip("#")
        if not number.isdigit() or not 1 <= int(number) <= len(self._messages):
            raise LookupError(f"no message #{ref} in the last listing")
        return self._messages[int(number) - 1]

    async def cmd_press(self, rest: str) -> None:
        if not rest.isdigit() or not 1 <= int(rest) <= len(self._pressables):
            raise LookupError(f"no button [{rest}] in the last listing")
        target, item = self._pressables[int(rest) - 1]
        if isinstance(target, View):
            await self.emu.click_in_view(
                self.current,
                target,
                item.action_id,
                value=item.pick,
                block_id=item.block_id,
                button_value=item.button_value,
            )
        else:
            await self.emu.click(
                self.current,
                target,
                item.action_id,
                value=item.pick,
                block_id=item.block_id,
                button_value=item.button_value,
            )
        self.say(f"(pressed {item.label})")

    async def cmd_reply(self, rest: str) -> None:
        ref, _, text = rest.partition(" ")
        msg = self._message(ref)
        if not text.strip():
            raise ValueError("usage: reply <message number> <text>")
        await self.emu.reply_in_thread(self.current, msg.channel, msg.thread_ts or msg.ts, text.strip())
        self._seen.setdefault(self.current, set()).update(
            self._key(m) for m in self._visible(self.current) if m.user == self.current
        )

    async def cmd_thread(self, rest: str) -> None:
        msg = self._message(rest)
        self.show_listing(self.emu.thread(msg.channel, msg.thread_ts or msg.ts), title="-- thread --")

    async def cmd_say(self, rest: str) -> None:
        if not rest:
            raise ValueError("usage: say <text>")
        await self.emu.send_dm(self.current, escape_mentions(rest, self.emu.state.users.values()))
        self._seen.setdefault(self.current, set()).update(
            self._key(m) for m in self._visible(self.current) if m.user == self.current
        )

    async def cmd_home(self, rest: str) -> None:
        await self.emu.open_home(self.current)
        self._home_requested = True  # shown by step() once the bot has published it

    async def cmd_clock(self, rest: str) -> None:
        if rest:
            now = self.clock.now()
            target = parse_clock(rest, now, self.tz)
            if target < now:
                raise ValueError(f"the demo clock never goes backwards (now {self.now_text()})")
            self.clock.advance(target - now)
        self.say(f"Demo time: {self.now_text()}")

    async def cmd_files(self, rest: str) -> None:
        files = [f for f in self.emu.files if f.uploaded]
        if not files:
            self.say("(no files uploaded yet)")
            return
        await asyncio.to_thread(self.output_dir.mkdir, parents=True, exist_ok=True)
        for upload in files:
            path = self.output_dir / f"{upload.id}-{Path(upload.filename).name}"
            await asyncio.to_thread(path.write_bytes, upload.content)
            self.say(
                f"{upload.id}  {upload.title or upload.filename}  {len(upload.content)} bytes  -> {path}"
            )

    async def cmd_modal(self, rest: str) -> None:
        view = self.emu.open_view(self.current)
        if view is None:
            self.say("(no modal is open)")
            return
        await self.modal.walk(view)

    async def cmd_cancel(self, rest: str) -> None:
        if self.emu.open_view(self.current) is None:
            self.say("(no modal is open)")
            return
        await self.emu.close_view(self.current)
        self.say("(modal closed)")

    def parse_field(self, element: dict[str, object], answer: str) -> object:
        return parse_answer(dict(element), answer, self.clock.now().astimezone(self.tz).date())
