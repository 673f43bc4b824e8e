"""The emulated workspace held in memory: people, conversations, messages, views, files, API calls."""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable
from typing import Any

from bot.emulator.blocks import ensure_block_ids
from bot.emulator.models import (
    ApiCall,
    Channel,
    Message,
    Refusal,
    UploadedFile,
    View,
    WorkspaceUser,
)
from bot.emulator.seed import SeedChannel, SeedUser

__all__ = [
    "ApiCall",
    "Channel",
    "Message",
    "Refusal",
    "UploadedFile",
    "View",
    "WorkspaceState",
    "WorkspaceUser",
]


def _insert_by_ts(messages: list[Message], msg: Message) -> None:
    """Keep time order even for a message stamped earlier than it was stored (an ack, see reserve_ts)."""
    bisect.insort(messages, msg, key=lambda m: float(m.ts))


class WorkspaceState:
    """Everything the fake Slack knows. The web API mutates it; the driver reads and acts on it."""

    def __init__(
        self,
        *,
        team_id: str,
        team_domain: str,
        bot_user_id: str,
        bot_id: str,
        app_id: str,
        users: Iterable[SeedUser],
        channels: Iterable[SeedChannel],
    ) -> None:
        self.team_id, self.team_domain = team_id, team_domain
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self.users: dict[str, WorkspaceUser] = {
            bot_user_id: WorkspaceUser(
                bot_user_id,
                "duban",
                "督办 Duban",
                "督办 Duban",
                "Asia/Shanghai",
                "zh-CN",
                is_bot=True,
                bot_id=bot_id,
            )
        }
        for seed in users:
            self.users[seed.user_id] = WorkspaceUser(
                seed.user_id,
                seed.username,
                seed.real_name,
                seed.name,
                seed.tz,
                seed.locale,
                seed.email,
                seed.deleted,
            )
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        for ch in channels:
            self.channels[ch.channel_id] = Channel(
                ch.channel_id, ch.name, list(ch.members), is_private=ch.is_private, topic=ch.topic
            )
            self.messages[ch.channel_id] = []
        self.ephemerals: list[Message] = []
        self.modal_stacks: dict[str, list[View]] = {}
        self.homes: dict[str, View] = {}
        self.view_errors: dict[str, dict[str, str]] = {}
        self.files: dict[str, UploadedFile] = {}
        self.usergroups: dict[str, list[str]] = {}  # user group id (S…) -> member user ids
        self.calls: list[ApiCall] = []
        # Payloads Slack would have refused; the e2e fixtures fail a test that leaves any behind.
        self.refusals: list[Refusal] = []
        self._last_ts_us = 0
        self._counter = 0

    # ---- identifiers
    def next_ts(self) -> str:
        """Message timestamps: wall-clock based like Slack's, strictly increasing so ordering is stable."""
        now_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = now_us
        return f"{now_us // 1_000_000}.{now_us % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:08X}"

    # ---- people and conversations
    def resolve_user(self, ref: str) -> WorkspaceUser | None:
        """By id, handle, display name or real name (case-insensitive); a leading @ is ignored."""
        ref = ref.strip().removeprefix("@")
        if ref in self.users:
            return self.users[ref]
        low = ref.casefold()
        for user in self.users.values():
            if low in (
                user.id.casefold(),
                user.name.casefold(),
                user.display_name.casefold(),
                user.real_name.casefold(),
            ):
                return user
        return None

    def im_channel(self, user_id: str) -> Channel:
        """The bot's IM with that user, opened on first use (ids look like D0LEADER for U0LEADER)."""
        channel_id = "D" + user_id[1:]
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(
                channel_id, user_id, [user_id, self.bot_user_id], is_im=True, im_user=user_id
            )
            self.messages[channel_id] = []
        return self.channels[channel_id]

    def resolve_channel(self, ref: str, *, allow_user: bool = True) -> Channel | None:
        """C…/D… ids, #names, and (like chat.postMessage) a user id meaning the IM with that user."""
        if ref in self.channels:
            return self.channels[ref]
        if allow_user and ref.startswith(("U", "W")) and ref in self.users and not self.users[ref].is_bot:
            return self.im_channel(ref)
        name = ref.removeprefix("#")
        return next((c for c in self.channels.values() if not c.is_im and c.name == name), None)

    def display_name(self, ref: str) -> str:
        """A user's visible name or a channel's name, as Slack draws <@U…> and <#C…>; unknown ids as given."""
        user = self.users.get(ref)
        if user is not None:
            return user.visible_name
        channel = self.channels.get(ref)
        return channel.name if channel is not None and not channel.is_im else ref

    def channels_of(self, user_id: str) -> list[Channel]:
        return [c for c in self.channels.values() if user_id in c.members]

    # ---- messages
    def add_message(
        self,
        channel: Channel,
        user: str,
        text: str = "",
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
        files: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        ts: str | None = None,
    ) -> Message:
        is_bot = user == self.bot_user_id
        msg = Message(
            channel.id,
            ts or self.next_ts(),
            user,
            text,
            ensure_block_ids(blocks),
            thread_ts,
            metadata,
            list(files or []),
            bot_id=self.bot_id if is_bot else None,
            attachments=list(attachments or []),
        )
        _insert_by_ts(self.messages.setdefault(channel.id, []), msg)
        parent = self.find_message(channel.id, thread_ts) if thread_ts else None
        if parent is not None and parent is not msg:
            parent.thread_ts = parent.ts
            parent.reply_count += 1
            parent.latest_reply = msg.ts
            if user not in parent.reply_users:
                parent.reply_users.append(user)
        return msg

    def find_message(self, channel_id: str, ts: str | None) -> Message | None:
        return next((m for m in self.messages.get(channel_id, []) if m.ts == ts), None)

    def delete_message(self, msg: Message) -> None:
        if msg.is_ephemeral:
            self.ephemerals.remove(msg)
        else:
            self.messages[msg.channel].remove(msg)

    def add_ephemeral(
        self,
        user_id: str,
        channel_id: str,
        text: str = "",
        *,
        blocks: list[dict[str, Any]] | None = None,
        source: str,
        thread_ts: str | None = None,
        ts: str | None = None,
    ) -> Message:
        msg = Message(
            channel_id,
            ts or self.next_ts(),
            self.bot_user_id,
            text,
            ensure_block_ids(blocks),
            thread_ts,
            bot_id=self.bot_id,
            ephemeral_for=user_id,
            source=source,
        )
        _insert_by_ts(self.ephemerals, msg)
        return msg

    def find_ephemeral(self, channel_id: str, ts: str) -> Message | None:
        return next((m for m in self.ephemerals if m.channel == channel_id and m.ts == ts), None)

    def thread(self, channel_id: str, thread_ts: str) -> list[Message]:
        return [m for m in self.messages.get(channel_id, []) if m.ts == thread_ts or m.thread_ts == thread_ts]

    # ---- views
    def find_view(self, view_id: str = "", *, external_id: str = "") -> View | None:
        candidates = [v for stack in self.modal_stacks.values() for v in stack] + list(self.homes.values())
        for view in candidates:
            if (view_id and view.id == view_id) or (external_id and view.external_id == external_id):
                return view
        return None

    def top_view(self, user_id: str) -> View | None:
        stack = self.modal_stacks.get(user_id) or []
        return stack[-1] if stack else None
