"""The dossier's human lines (一事一卷): each event, urging, report, review and meeting said in words —
names without Slack ids, local times, the event's name in the reader's language. Plain text here;
``messages.dossier`` escapes it into HTML."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from messages.i18n import format_date, format_datetime, has, tp

_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>|<(https?://[^>]+)>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


class Words:
    """What the lines need from the dossier: the reader's language and zone, and people's names."""

    def __init__(self, locale: str, tz: str, people: Mapping[str, str]) -> None:
        self.locale, self.tz, self.people = locale, tz, people

    def tr(self, key: str, **params: Any) -> str:
        return tp(self.locale, key, **params)

    def label(self, key: str, fallback: str) -> str:
        return tp(self.locale, key) if has(self.locale, key) else fallback

    def who(self, user_id: Any) -> str:
        if not user_id:
            return "Duban"
        return str(self.people.get(str(user_id)) or user_id)

    def names(self, user_ids: Any) -> str:
        return (
            "、".join(self.who(u) for u in user_ids or [])
            if self.locale == "zh"
            else ", ".join(self.who(u) for u in user_ids or [])
        )

    def when(self, value: Any) -> str:
        if not value:
            return "—"
        if isinstance(value, datetime):
            return format_datetime(value, self.locale, self.tz)
        text = str(value)
        if "T" in text:
            return format_datetime(datetime.fromisoformat(text), self.locale, self.tz)
        return format_date(date.fromisoformat(text[:10]), self.locale)

    def plain(self, mrkdwn: str) -> str:
        """Slack mrkdwn as a person reads it: mentions as names, links as their words, no markup."""
        text = _MENTION.sub(lambda m: self.who(m.group(1)), mrkdwn)
        text = _LINK.sub(lambda m: m.group(2) or m.group(3) or m.group(1), text)
        text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
        text = re.sub(r":[a-z0-9_+-]+:", "", text)
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
        return text.strip()


def _answer_text(words: Words, note: str) -> str:
    """An answer in full; the written notice's answer is its reason, then its progress."""
    if "\n---\n" in note:
        reason, progress = note.split("\n---\n", 1)
        return f"{words.tr('regs.part_reason')}{reason}\n{words.tr('regs.part_progress')}{progress}"
    return note


def event_name(words: Words, kind: str) -> str:
    return words.label(f"dossier_event.{kind}", kind)


def _state(words: Words, value: Any) -> str:
    return words.label(f"state.{value}", str(value))


def _field(words: Words, key: str, value: Any) -> str:
    return (
        f"{words.tr(f'dossier.field_{key}')}：{value}"
        if words.locale == "zh"
        else (f"{words.tr(f'dossier.field_{key}')}: {value}")
    )


def _texts(words: Words, pairs: list[tuple[str, Any]]) -> list[str]:
    return [_field(words, key, value) for key, value in pairs if value not in (None, "", [], {})]


def _urged(words: Words, p: Mapping[str, Any]) -> list[str]:
    mode = p.get("mode") or ("phone" if p.get("rung") == "call" else None)
    how = words.label(f"urge_mode.{mode}", "") if mode else words.label(f"rung.{p.get('rung')}", "")
    return _texts(
        words,
        [
            ("how", how),
            ("to", words.names(p.get("recipients"))),
            ("at", words.when(p["at"]) if p.get("at") else ""),
            ("answered_by", p.get("answered_by")),
            ("content", p.get("note")),
            ("promised", words.when(p["promised"]) if p.get("promised") else ""),
        ],
    )


def _meeting(words: Words, p: Mapping[str, Any]) -> list[str]:
    return _texts(
        words,
        [
            ("held_at", words.when(p.get("held_at"))),
            ("attendees", words.names(p.get("attendees"))),
            ("minutes", p.get("minutes")),
            ("outcome", p.get("outcome")),
        ],
    )


_DETAILS: dict[str, Callable[[Words, Mapping[str, Any]], list[str]]] = {
    "registered": lambda w, p: _texts(
        w,
        [
            ("number", p.get("number")),
            ("due", w.when(p["due"]) if p.get("due") else ""),
            ("received_on", w.when(p["received_on"]) if p.get("received_on") else ""),
            ("doc_number", p.get("doc_number")),
            ("basis", p.get("basis")),
        ],
    ),
    "issued": lambda w, p: _texts(w, [("to", w.names(p.get("owners")))]),
    "notice_sent": lambda w, p: _texts(w, [("to", w.who(p.get("user")) if p.get("user") else "")]),
    "state_changed": lambda w, p: [f"{_state(w, p.get('old'))} → {_state(w, p.get('new'))}"],
    "urged": _urged,
    "call_logged": _urged,
    "urge_answered": lambda w, p: _texts(
        w,
        [
            ("answer", w.label(f"answer.{p.get('answer')}", str(p.get("answer") or ""))),
            ("answer_text", _answer_text(w, str(p.get("note") or ""))),
        ],
    ),
    "returned": lambda w, p: _texts(w, [("reasons", p.get("reasons"))]),
    "instructed": lambda w, p: _texts(w, [("content", p.get("text"))]),
    "extension_requested": lambda w, p: _texts(
        w, [("change", f"{w.when(p.get('from'))} → {w.when(p.get('to'))}"), ("reasons", p.get("reason"))]
    ),
    "extension_decided": lambda w, p: _texts(
        w,
        [
            ("decision", w.tr("dossier.approved" if p.get("approved") else "dossier.refused")),
            ("change", f"{w.when(p.get('from'))} → {w.when(p.get('to'))}"),
            ("content", p.get("note")),
        ],
    ),
    "thread_note": lambda w, p: _texts(w, [("content", p.get("text"))]),
    "history_note": lambda w, p: _texts(w, [("content", p.get("text"))]),
    "meeting_held": _meeting,
    "withdrawn": lambda w, p: _texts(w, [("reasons", p.get("reason"))]),
    "edited": lambda w, p: _texts(w, [("change", f"{p.get('field')}: {p.get('old')} → {p.get('new')}")]),
    "reassigned": lambda w, p: _texts(w, [("change", f"{w.who(p.get('from'))} → {w.who(p.get('to'))}")]),
    "delivery_failed": lambda w, p: _texts(w, [("to", w.who(p.get("user"))), ("content", p.get("error"))]),
}
# Kinds whose details live elsewhere in the dossier (reports, reviews, evidence): named only.
_NAMED_ONLY = frozenset({"progress_reported", "final_reported", "reviewed", "evidence_attached", "archived"})


def event_details(words: Words, kind: str, payload: Mapping[str, Any]) -> list[str]:
    """The event's content in words; never a raw dump of its data (the JSON twin keeps that)."""
    if kind in _NAMED_ONLY:
        return []
    describe = _DETAILS.get(kind)
    if describe is not None:
        return describe(words, payload)
    wanted = ("detail", "text", "note")
    return [str(v) for k, v in payload.items() if isinstance(v, str) and v and k in wanted]


def urge_details(words: Words, r: Mapping[str, Any]) -> tuple[str, list[str]]:
    """One urging record: its heading (how, to whom) and its lines (answer in full, notes)."""
    channel = str(r.get("channel") or "")
    rung = str(r.get("rung") or "")
    mode = channel if has(words.locale, f"urge_mode.{channel}") and channel not in ("slack_dm",) else None
    if mode is None:
        mode = "phone" if rung == "call" else "written" if rung == "notice" else None
    how = (
        words.label(f"urge_mode.{mode}", rung)
        if mode and rung != "escalation"
        else words.label(f"rung.{rung}", rung)
    )
    if rung not in ("call", "notice", "escalation", "checkin") and mode is None:
        how = f"{words.label('urge_mode.message', '')}（{words.label(f'rung.{rung}', rung)}）"
    elif rung == "checkin":
        how = words.label("urge_mode.message", rung)
    details = r.get("details") or {}
    answer = words.label(f"answer.{r.get('answer')}", str(r.get("answer") or "")) if r.get("answer") else ""
    note = _answer_text(words, str(r.get("answer_note") or ""))
    answered = words.when(r.get("answered_at")) if r.get("answered_at") else ""
    lines = _texts(
        words,
        [
            ("to", words.who(r.get("recipient_id")) if r.get("recipient_id") else ""),
            ("by", words.who(r.get("actor_id")) if r.get("actor_id") else ""),
            ("answered_by", details.get("answered_by") if rung == "call" else ""),
            ("content", r.get("note")),
            ("answer", answer if rung != "call" else ""),
            ("answered_at", answered if rung != "call" else ""),
            ("answer_text", note if rung != "call" else ""),
            ("promised", words.when(details["promised"]) if details.get("promised") else ""),
        ],
    )
    if rung != "call" and not r.get("answered_at"):
        lines.append(words.tr("dossier.unanswered"))
    return how, lines


def report_details(words: Words, r: Mapping[str, Any]) -> tuple[str, list[str]]:
    kind = words.label(f"reports.kind.{r.get('kind')}", str(r.get("kind")))
    health = words.label(f"reports.health.{r.get('status')}", "") if r.get("status") else ""
    return kind, _texts(
        words,
        [
            ("percent", f"{r['percent']}%" if r.get("percent") is not None else ""),
            ("health", health),
            ("done", r.get("done")),
            ("problems", r.get("problems")),
            ("next_steps", r.get("next_steps")),
            ("expected", words.when(r.get("expected_date")) if r.get("expected_date") else ""),
            ("links", r.get("links")),
        ],
    )


def review_details(words: Words, r: Mapping[str, Any]) -> tuple[str, list[str]]:
    decision = words.label(f"reports.review_modal.decision_{r.get('decision')}", str(r.get("decision")))
    checked = [words.label(f"reports.check.{k}", k) for k, ok in (r.get("checklist") or {}).items() if ok]
    return decision, _texts(
        words,
        [
            ("checklist", "、".join(checked) if words.locale == "zh" else ", ".join(checked)),
            ("reasons", r.get("reasons")),
            ("new_due", words.when(r.get("new_due")) if r.get("new_due") else ""),
        ],
    )
