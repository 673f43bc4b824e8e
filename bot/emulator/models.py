"""The records the emulated workspace keeps, each able to render itself as Slack's API shape."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator.blocks import Button, buttons, text_of_blocks


@dataclass
class Refusal:
    """A payload Slack would have refused (invalid blocks, view or response_action): a bug in the bot."""

    source: str  # the Web API method, "response_url", "ack" or "view_submission"
    messages: list[str]
    payload: dict[str, Any]
    at: float = field(default_factory=time.time)

    def __str__(self) -> str:
        return f"{self.source}: " + "; ".join(self.messages)


@dataclass
class WorkspaceUser:
    id: str
    name: str  # legacy ASCII handle, as Slack's `name`
    real_name: str
    display_name: str
    tz: str
    locale: str
    email: str = ""
    deleted: bool = False
    is_bot: bool = False
    bot_id: str | None = None

    @property
    def visible_name(self) -> str:
        return self.display_name or self.real_name or self.name

    def tz_offset(self) -> int:
        offset = datetime.now(ZoneInfo(self.tz)).utcoffset()
        return int(offset.total_seconds()) if offset else 0

    def to_api(self, team_id: str, *, include_locale: bool = False) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "email": self.email or None,
            "team": team_id,
        }
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        data: dict[str, Any] = {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset(),
            "profile": {k: v for k, v in profile.items() if v is not None},
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }
        if include_locale:
            data["locale"] = self.locale
        return data


@dataclass
class Channel:
    id: str
    name: str
    members: list[str]
    is_im: bool = False
    is_private: bool = False
    im_user: str | None = None  # the human side of a bot IM
    topic: str = ""
    created: int = field(default_factory=lambda: int(time.time()))

    def to_api(self, bot_user_id: str) -> dict[str, Any]:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "is_member": bot_user_id in self.members,
            "created": self.created,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "num_members": len(self.members),
        }


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    bot_id: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    edited: dict[str, str] | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    reply_users: list[str] = field(default_factory=list)
    reply_count: int = 0
    latest_reply: str | None = None
    ephemeral_for: str | None = None  # set on ephemeral messages only
    source: str | None = None  # ephemerals: "ack", "response_url", "chat.postEphemeral", "slack"
    version: int = 0  # bumped on every chat.update / replace_original, so watchers see edits

    @property
    def is_ephemeral(self) -> bool:
        return self.ephemeral_for is not None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def buttons(self) -> list[Button]:
        return buttons(self.blocks)

    def all_text(self) -> str:
        """Fallback text plus the text inside blocks; what a reader of the message could see."""
        parts = [self.text, text_of_blocks(self.blocks)]
        for att in self.attachments:
            parts += [
                str(att.get("pretext", "")),
                str(att.get("text", "")),
                text_of_blocks(att.get("blocks", [])),
            ]
        return "\n".join(p for p in parts if p)

    def to_api(self, team_id: str, app_id: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "message",
            "user": self.user,
            "text": self.text,
            "ts": self.ts,
            "team": team_id,
        }
        if self.bot_id:
            data.update(bot_id=self.bot_id, app_id=app_id)
        if self.blocks:
            data["blocks"] = self.blocks
        if self.attachments:
            data["attachments"] = self.attachments
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        if self.reply_count:
            data.update(
                reply_count=self.reply_count,
                reply_users=list(self.reply_users),
                reply_users_count=len(self.reply_users),
                latest_reply=self.latest_reply,
            )
        if self.metadata:
            data["metadata"] = self.metadata
        if self.files:
            data.update(files=self.files, upload=False)
        if self.edited:
            data["edited"] = self.edited
        if self.reactions:
            data["reactions"] = [{"name": n, "users": u, "count": len(u)} for n, u in self.reactions.items()]
        return data


@dataclass
class View:
    id: str
    user_id: str
    type: str  # "modal" or "home"
    blocks: list[dict[str, Any]]
    hash: str
    callback_id: str = ""
    private_metadata: str = ""
    external_id: str = ""
    title: dict[str, Any] | None = None
    submit: dict[str, Any] | None = None
    close: dict[str, Any] | None = None
    notify_on_close: bool = False
    clear_on_close: bool = False
    root_view_id: str = ""
    previous_view_id: str | None = None
    state_values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def buttons(self) -> list[Button]:
        return buttons(self.blocks)

    def to_api(self, team_id: str, app_id: str, bot_id: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "team_id": team_id,
            "type": self.type,
            "blocks": self.blocks,
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": self.state_values},
            "hash": self.hash,
            "clear_on_close": self.clear_on_close,
            "notify_on_close": self.notify_on_close,
            "root_view_id": self.root_view_id or self.id,
            "previous_view_id": self.previous_view_id,
            "app_id": app_id,
            "external_id": self.external_id,
            "app_installed_team_id": team_id,
            "bot_id": bot_id,
        }
        for key in ("title", "submit", "close"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int
    title: str = ""
    content: bytes = b""
    uploaded: bool = False
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    initial_comment: str = ""
    created: int = field(default_factory=lambda: int(time.time()))

    def to_api(self, bot_user_id: str) -> dict[str, Any]:
        ext = self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else "binary"
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "filetype": ext,
            "size": len(self.content) or self.length,
            "user": bot_user_id,
            "created": self.created,
            "channels": list(self.channels),
            "is_public": False,
        }


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    status: int
    ok: bool
    error: str | None
    at: float  # time.time() when the call arrived; lets tests check retry spacing
