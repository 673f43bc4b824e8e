"""The dossier (一事一卷) as one self-contained HTML page (inline CSS, everything escaped) and JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot.domain.events import ItemEvent
from bot.domain.items import Item
from messages.i18n import format_date, format_datetime, t, tp

_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',system-ui,sans-serif;margin:2em auto;"
    "max-width:60em;color:#222}h1{font-size:1.5em;border-bottom:2px solid #b71c1c;padding-bottom:.3em}"
    "h2{font-size:1.15em;margin-top:1.6em;color:#b71c1c}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top;font-size:.92em}"
    "th{background:#f5f5f5;width:12em}pre{white-space:pre-wrap;margin:0;font-family:inherit}"
    ".meta{color:#666;font-size:.85em}"
)
_INSTRUCTION_KINDS = {"instructed"}
_NOTE_KINDS = {"thread_note"}
_HIDDEN = ("created_at", "id", "item_id")
_NOTICE_KINDS = {"registered", "issued", "notice_sent", "acknowledged"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def dossier_data(
    item: Item, events: list[ItemEvent], parts: Mapping[str, list[dict[str, Any]]], names: Mapping[str, str]
) -> dict[str, Any]:
    """The JSON twin: register data, every record and every event, as plain values."""
    return _jsonable(
        {
            "number": str(item.number),
            "title": item.title,
            "source": item.source.value,
            "requirements": item.requirements,
            "state": item.state,
            "confidential": item.confidential,
            "assigner": item.assigner_id,
            "owners": [
                {"user": o.user_id, "role": o.role.value, "acknowledged_at": o.acknowledged_at}
                for o in item.owners
            ],
            "created_at": item.created_at,
            "original_due": item.original_due,
            "current_due": item.current_due,
            "completed_at": item.completed_at,
            "archived_at": item.archived_at,
            "urges": list(parts.get("urges", [])),
            "reports": list(parts.get("reports", [])),
            "reviews": list(parts.get("reviews", [])),
            "events": [
                {"seq": e.seq, "at": e.at, "actor": e.actor_id, "kind": e.kind.value, "payload": e.payload}
                for e in events
            ],
            "people": dict(names),
        }
    )


def dossier_html(data: Mapping[str, Any], locale: str, tz: str, *, generated_at: datetime, by: str) -> str:
    def tr(key: str, **params: Any) -> str:
        return html.escape(tp(locale, f"dossier.{key}", **params))

    def who(user_id: Any) -> str:
        if not user_id:
            return "Duban"
        name = data["people"].get(user_id)
        return html.escape(f"{name} ({user_id})" if name else str(user_id))

    def when(value: Any) -> str:
        if not value:
            return "—"
        if isinstance(value, str) and "T" in value:
            return html.escape(format_datetime(datetime.fromisoformat(value), locale, tz))
        return html.escape(format_date(date.fromisoformat(str(value)), locale))

    def detail(payload: Any) -> str:
        return (
            f"<pre>{html.escape(json.dumps(payload, ensure_ascii=False, indent=1))}</pre>" if payload else ""
        )

    def record_table(rows: list[dict[str, Any]], actor_key: str) -> str:
        if not rows:
            return f"<p>{tr('none')}</p>"
        body = "".join(
            f"<tr><td>{when(r.get('created_at'))}</td><td>{who(r.get(actor_key))}</td>"
            f"<td>{detail({k: v for k, v in r.items() if k not in _HIDDEN})}</td></tr>"
            for r in rows
        )
        return (
            f"<table><tr><th>{tr('col_at')}</th><th>{tr('col_actor')}</th><th>{tr('col_detail')}</th></tr>"
            f"{body}</table>"
        )

    def event_table(kinds: set[str] | None) -> str:
        rows = [e for e in data["events"] if kinds is None or e["kind"] in kinds]
        if not rows:
            return f"<p>{tr('none')}</p>"
        body = "".join(
            f"<tr><td>{e['seq']}</td><td>{when(e['at'])}</td><td>{who(e['actor'])}</td>"
            f"<td>{html.escape(e['kind'])}</td><td>{detail(e['payload'])}</td></tr>"
            for e in rows
        )
        return (
            f"<table><tr><th>#</th><th>{tr('col_at')}</th><th>{tr('col_actor')}</th><th>{tr('col_kind')}</th>"
            f"<th>{tr('col_detail')}</th></tr>{body}</table>"
        )

    owners = data["owners"]
    lead = ", ".join(who(o["user"]) for o in owners if o["role"] == "lead")
    co = ", ".join(who(o["user"]) for o in owners if o["role"] != "lead") or tr("none")
    register_rows = [
        ("number", html.escape(data["number"])),
        ("subject", html.escape(data["title"])),
        ("source", html.escape(tp(locale, f"source.{data['source']}"))),
        ("requirements", f"<pre>{html.escape(data['requirements'] or '')}</pre>"),
        ("lead", lead),
        ("co", co),
        ("assigner", who(data["assigner"])),
        ("registered", when(data["created_at"])),
        ("original_due", when(data["original_due"])),
        ("current_due", when(data["current_due"])),
        ("completed", when(data["completed_at"])),
        ("archived", when(data["archived_at"])),
        ("state", html.escape(tp(locale, f"state.{data['state']}"))),
        ("confidential", tr("confidential_yes" if data["confidential"] else "confidential_no")),
    ]
    register = "".join(f"<tr><th>{tr(key)}</th><td>{value}</td></tr>" for key, value in register_rows)
    title = tr("title", number=data["number"])
    generated = tr("generated", at=format_datetime(generated_at, locale, tz), who=by)
    return (
        f'<!DOCTYPE html><html lang="{"en" if locale == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><p class='meta'>{generated}</p>"
        f"<h2>{tr('register')}</h2><table>{register}</table>"
        f"<h2>{tr('notice')}</h2>{event_table(_NOTICE_KINDS)}"
        f"<h2>{tr('urges')}</h2>{record_table(data['urges'], 'actor_id')}"
        f"<h2>{tr('reports')}</h2>{record_table(data['reports'], 'author_id')}"
        f"<h2>{tr('reviews')}</h2>{record_table(data['reviews'], 'reviewer_id')}"
        f"<h2>{tr('instructions')}</h2>{event_table(_INSTRUCTION_KINDS)}"
        f"<h2>{tr('notes')}</h2>{event_table(_NOTE_KINDS)}"
        f"<h2>{tr('audit')}</h2>{event_table(None)}"
        "</body></html>"
    )


def upload_payload(number: str, locale: str, user_id: str, content_base64: str) -> dict[str, Any]:
    """The outbox payload (``files.uploadV2``) sending the dossier to ``user_id`` as a DM."""
    return {
        "filename": f"{number}-dossier.html",
        "title": tp(locale, "archive.file_title", number=number),
        "channel_id": user_id,
        "initial_comment": t(locale, "archive.file_comment", number=number),
        "content_base64": content_base64,
    }


def archive_reply(result: Any, locale: str, tz: str) -> dict[str, Any]:
    """Answer to ``/duban archive`` (result: bot.services.archive.ArchiveResult)."""
    if result.already:
        text = t(locale, "archive.already", number=result.number, at=format_datetime(result.at, locale, tz))
    else:
        text = t(locale, "archive.done", number=result.number)
    return {"text": text}
