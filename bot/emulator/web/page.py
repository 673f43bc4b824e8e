"""The page's fragments for one signed-in person: top bar, sidebar, conversation, thread, modal, App Home."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from bot.emulator.blocks import plain
from bot.emulator.models import Channel, Message, View
from bot.emulator.seed import SeedUser
from bot.emulator.state import WorkspaceState
from bot.emulator.web.blocks_html import Draw, Person, blocks_html, text_html
from bot.emulator.web.labels import label
from bot.emulator.web.mrkdwn import emoji, mrkdwn_html

IMAGE_TYPES = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp"})
HOME = "home"


def role_words(seed: SeedUser, lang: str) -> str:
    words = [label(lang, r) for r in seed.roles]
    if seed.department:
        words.append(label(lang, "head" if seed.is_head else "staff"))
    return "、".join(words) if lang == "zh" else ", ".join(words)


def _avatar(user_id: str, name: str) -> Markup:
    hue = int(hashlib.sha1(user_id.encode()).hexdigest()[:4], 16) % 360
    initial = escape(name[:1].upper() or "?")
    return Markup(f'<div class="avatar" style="background:hsl({hue},45%,42%)">{initial}</div>')


@dataclass
class Screen:
    """Renders what one person sees. ``stamp`` gives each message its demo-clock time."""

    state: WorkspaceState
    user_id: str
    lang: str
    people: Sequence[SeedUser]
    stamp: Callable[[Message], datetime]
    tz: ZoneInfo
    errors: dict[str, str]

    def name_of(self, user_id: str) -> str:
        return self.state.display_name(user_id)

    def draw(self, view: View | None = None) -> Draw:
        pickable = [Person(p.user_id, p.name) for p in self.people if not p.deleted]
        return Draw(
            self.name_of,
            pickable,
            state=view.state_values if view is not None else {},
            errors=self.errors if view is not None and view.type == "modal" else {},
            optional_label=label(self.lang, "optional"),
        )

    def t(self, key: str, **values: object) -> str:
        return label(self.lang, key, **values)

    # ---------------------------------------------------------------- conversations
    def im(self) -> Channel:
        return self.state.im_channel(self.user_id)

    def channels(self) -> list[Channel]:
        return [c for c in self.state.channels_of(self.user_id) if not c.is_im]

    def channel_title(self, channel: Channel) -> str:
        return self.name_of(self.state.bot_user_id) if channel.is_im else f"#{channel.name}"

    def visible(self, channel_id: str) -> list[Message]:
        """Top-level messages and this person's ephemerals in a conversation, oldest first."""
        shown = [m for m in self.state.messages.get(channel_id, []) if not m.is_reply]
        shown += [
            m
            for m in self.state.ephemerals
            if m.ephemeral_for == self.user_id and m.channel == channel_id and not m.is_reply
        ]
        return sorted(shown, key=lambda m: float(m.ts))

    def thread(self, channel_id: str, thread_ts: str) -> list[Message]:
        shown = self.state.thread(channel_id, thread_ts)
        shown += [
            m
            for m in self.state.ephemerals
            if m.ephemeral_for == self.user_id and m.channel == channel_id and m.thread_ts == thread_ts
        ]
        return sorted(shown, key=lambda m: float(m.ts))

    # ---------------------------------------------------------------- fragments
    def topbar(self, clock_now: datetime) -> Markup:
        options = "".join(
            f'<option value="{escape(p.user_id)}"{" selected" if p.user_id == self.user_id else ""}>'
            f"{escape(p.name)} · {escape(role_words(p, self.lang))}</option>"
            for p in self.people
            if not p.deleted
        )
        langs = "".join(
            f'<option value="{code}"{" selected" if code == self.lang else ""}>{name}</option>'
            for code, name in (("zh", "中文"), ("en", "English"))
        )
        local = clock_now.astimezone(self.tz)
        return Markup(
            f'<div class="brand">{escape(self.t("workspace"))}</div>'
            f'<label>{escape(self.t("sign_in_as"))} <select id="who">{options}</select></label>'
            f'<label>{escape(self.t("language"))} <select id="lang">{langs}</select></label>'
            f'<div class="clock"><span class="clock-label">{escape(self.t("clock"))}</span> '
            f'<time id="now" datetime="{local.isoformat()}" title="{escape(self.tz.key)}">'
            f"{local:%Y-%m-%d %H:%M} {local:%a}</time>"
            f'<button type="button" data-clock="hour">{escape(self.t("plus_hour"))}</button>'
            f'<button type="button" data-clock="morning">{escape(self.t("next_morning"))}</button>'
            f'<button type="button" data-clock="day">{escape(self.t("plus_day"))}</button>'
            f'<input type="date" id="clock-date" value="{local:%Y-%m-%d}">'
            f'<button type="button" data-clock="date">{escape(self.t("go"))}</button></div>'
        )

    def sidebar(self, current: str, unread: Callable[[Channel], int]) -> Markup:
        def entry(channel: Channel, title: str, css: str) -> str:
            count = unread(channel)
            badge = f'<span class="badge">{count}</span>' if count else ""
            active = " active" if channel.id == current else ""
            bold = " unread" if count else ""
            return (
                f'<a href="#" class="conv {css}{active}{bold}" data-conv="{escape(channel.id)}">'
                f"{escape(title)}{badge}</a>"
            )

        channels = "".join(entry(c, f"# {c.name}", "channel") for c in self.channels())
        im = self.im()
        return Markup(
            f'<div class="section">{escape(self.t("channels"))}</div>{channels}'
            f'<div class="section">{escape(self.t("apps"))}</div>'
            + entry(im, self.name_of(self.state.bot_user_id), "app")
        )

    def message(self, msg: Message, *, in_thread: bool = False) -> Markup:
        author = self.name_of(msg.user)
        when = self.stamp(msg).astimezone(self.tz)
        badge = f'<span class="app-badge">{escape(self.t("app_badge"))}</span>' if msg.bot_id else ""
        edited = f'<span class="edited">({escape(self.t("edited"))})</span>' if msg.edited else ""
        body = (
            blocks_html(msg.blocks, self.draw())
            if msg.blocks
            else Markup(f'<div class="bk-text">{mrkdwn_html(msg.text, self.name_of)}</div>')
        )
        extras = "".join(str(self._attachment(a)) for a in msg.attachments)
        extras += "".join(str(self._file(f)) for f in msg.files)
        if msg.reactions:
            chips = "".join(
                f'<span class="reaction" title="{escape(", ".join(self.name_of(u) for u in users))}">'
                f"{emoji(f':{name}:')} {len(users)}</span>"
                for name, users in msg.reactions.items()
            )
            extras += f'<div class="reactions">{chips}</div>'
        if msg.reply_count and not in_thread:
            extras += (
                f'<a href="#" class="replies" data-thread="{escape(msg.ts)}">'
                f"{escape(self.t('replies', n=msg.reply_count))}</a>"
            )
        reply = ""
        if not in_thread and not msg.is_ephemeral:
            reply = (
                f'<a href="#" class="reply-in-thread" data-thread="{escape(msg.ts)}" '
                f'title="{escape(self.t("reply_in_thread"))}">💬</a>'
            )
        eph = ""
        if msg.is_ephemeral:
            eph = f'<div class="eph-note">👁 {escape(self.t("only_you"))}</div>'
        return Markup(
            f'<div class="msg{" ephemeral" if msg.is_ephemeral else ""}" '
            f'data-channel="{escape(msg.channel)}" '
            f'data-ts="{escape(msg.ts)}" data-eph="{"1" if msg.is_ephemeral else ""}">'
            f'{_avatar(msg.user, author)}<div class="msg-body">'
            f'<div class="meta"><b class="author">{escape(author)}</b>{badge}'
            f'<time title="{when.isoformat()}">{when:%m-%d %H:%M}</time>{edited}{reply}</div>'
            f'{eph}<div class="blocks">{body}</div>{extras}</div></div>'
        )

    def _attachment(self, attachment: dict[str, Any]) -> Markup:
        color = escape(str(attachment.get("color") or "#ddd"))
        inner = blocks_html(attachment.get("blocks") or [], self.draw())
        text = attachment.get("text") or attachment.get("pretext") or ""
        if text:
            inner = Markup(f"{mrkdwn_html(str(text), self.name_of)}{inner}")
        return Markup(f'<div class="attachment" style="border-left-color:{color}">{inner}</div>')

    def _file(self, file: dict[str, Any]) -> Markup:
        file_id, name = escape(file.get("id", "")), escape(file.get("title") or file.get("name", ""))
        if str(file.get("filetype", "")).lower() in IMAGE_TYPES:
            return Markup(
                f'<figure class="file image"><figcaption>{name}</figcaption>'
                f'<a href="/files/{file_id}" target="_blank"><img src="/files/{file_id}" alt="{name}"></a>'
                "</figure>"
            )
        size, kind = int(file.get("size") or 0), str(file.get("filetype", ""))
        download = escape(self.t("download"))
        return Markup(
            f'<div class="file"><span class="file-icon">{escape(kind.upper())}</span>'
            f'<a class="file-name" href="/files/{file_id}" target="_blank">{name}</a>'
            f'<span class="file-size">{size / 1024:.1f} KB</span>'
            f'<a class="bk-button" href="/files/{file_id}?download=1" download>{download}</a>'
            "</div>"
        )

    def conversation(self, channel: Channel, tab: str) -> Markup:
        title = self.channel_title(channel)
        tabs = ""
        if channel.is_im:
            tabs = "".join(
                f'<a href="#" class="tab{" active" if tab == key else ""}" data-tab="{key}">'
                f"{escape(self.t(key))}</a>"
                for key in (HOME, "messages")
            )
        head = f'<header class="conv-head"><h1>{escape(title)}</h1><nav class="tabs">{tabs}</nav></header>'
        if channel.is_im and tab == HOME:
            return Markup(head + str(self.home()))
        msgs = self.visible(channel.id)
        listing = "".join(str(self.message(m)) for m in msgs)
        if not listing:
            listing = f'<div class="empty">{escape(self.t("empty"))}</div>'
        return Markup(f'{head}<div class="messages" id="messages">{listing}</div>')

    def home(self) -> Markup:
        view = self.state.homes.get(self.user_id)
        if view is None:
            return Markup(f'<div class="home empty">{escape(self.t("no_home"))}</div>')
        return Markup(
            f'<div class="home view" data-view-id="{escape(view.id)}">'
            f"{blocks_html(view.blocks, self.draw(view))}</div>"
        )

    def thread_pane(self, channel_id: str, thread_ts: str) -> Markup:
        msgs = self.thread(channel_id, thread_ts)
        if not msgs:
            return Markup("")
        listing = "".join(str(self.message(m, in_thread=True)) for m in msgs)
        return Markup(
            f'<header class="thread-head"><h2>{escape(self.t("thread"))}</h2>'
            f'<button type="button" class="close-thread" aria-label="{escape(self.t("close"))}">✕</button>'
            "</header>"
            f'<div class="messages">{listing}</div>'
        )

    def modal(self) -> Markup:
        stack = self.state.modal_stacks.get(self.user_id) or []
        if not stack:
            return Markup("")
        view = stack[-1]
        general = self.errors.get("")
        submit = (
            f'<button type="submit" class="bk-button bk-button-primary">'
            f"{escape(plain(view.submit) or self.t('submit'))}</button>"
            if view.submit or any(b.get("type") == "input" for b in view.blocks)
            else ""
        )
        return Markup(
            f'<form class="modal view" data-view-id="{escape(view.id)}" novalidate>'
            f"<header><h2>{text_html(view.title, self.draw())}</h2>"
            f'<button type="button" class="modal-x" aria-label="{escape(self.t("close"))}">✕</button>'
            "</header>"
            f'<div class="modal-body">'
            + (f'<div class="bk-error general" role="alert">{escape(general)}</div>' if general else "")
            + f"{blocks_html(view.blocks, self.draw(view))}</div>"
            f'<footer><button type="button" class="bk-button modal-cancel">'
            f"{escape(plain(view.close) or self.t('cancel'))}</button>{submit}</footer></form>"
        )
