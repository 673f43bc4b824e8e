"""The dossier (一事一卷) as one self-contained HTML page (inline CSS, everything escaped) and JSON.

The HTML reads as an archive in the reader's language: a table of contents (目录), the register, the
notice as it was written, then each part as a human timeline (names, local times, the event's name,
the words that were said, minutes, evidence as links). The JSON twin keeps the data as stored.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot.domain.events import ItemEvent
from bot.domain.items import Item
from messages import notices
from messages.dossier_lines import (
    Words,
    event_details,
    event_name,
    report_details,
    review_details,
    urge_details,
)
from messages.i18n import LOCALES, format_datetime, t, tp
from messages.view_models import Reader

_CSS = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',system-ui,sans-serif;margin:2em auto;"
    "max-width:60em;color:#222;line-height:1.5}h1{font-size:1.5em;border-bottom:2px solid #b71c1c;"
    "padding-bottom:.3em}h2{font-size:1.15em;margin-top:1.6em;color:#b71c1c}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35em .5em;"
    "text-align:left;vertical-align:top;font-size:.92em}th{background:#f5f5f5;width:12em}"
    "ol.toc{columns:2}ul.timeline{list-style:none;padding-left:0}ul.timeline>li{border-left:3px solid "
    "#e0b4b4;padding:.2em 0 .4em .8em;margin-bottom:.4em}.when{color:#666;font-size:.9em}"
    ".what{font-weight:bold}p.line{margin:.1em 0;white-space:pre-wrap}.notice{border:1px solid #ccc;"
    "padding:.8em;white-space:pre-wrap;background:#fafafa}.meta{color:#666;font-size:.85em}"
)
_NOTICE_KINDS = {"registered", "issued", "notice_sent", "acknowledged"}
_INSTRUCTION_KINDS = {"instructed"}
_NOTE_KINDS = {"thread_note", "history_note"}
# The parts of the archive, in the order the regulations list them (S5: 目录, 通知, 催办通知,
# 会议纪要, 领导批示, 承办单位报告, 电话记录 …).
SECTIONS = (
    "register",
    "notice",
    "urges",
    "meetings",
    "reports",
    "evidence",
    "reviews",
    "instructions",
    "notes",
    "audit",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def dossier_data(
    item: Item,
    events: list[ItemEvent],
    parts: Mapping[str, list[dict[str, Any]]],
    names: Mapping[str, str],
    notice_texts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON twin: register data, every record and every event, as plain values (and the notice
    as it reads in each language, ``notice_texts``)."""
    return _jsonable(
        {
            "number": str(item.number),
            "title": item.title,
            "source": item.source.value,
            "requirements": item.requirements,
            "received_on": item.received_on,
            "doc_number": item.doc_number,
            "basis": item.basis,
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
            "meetings": [
                {"seq": e.seq, "at": e.at, "by": e.actor_id, **e.payload}
                for e in events
                if e.kind.value == "meeting_held"
            ],
            "evidence": [
                {"seq": e.seq, "at": e.at, "by": e.actor_id, **e.payload}
                for e in events
                if e.kind.value == "evidence_attached"
            ],
            "notice_text": dict(notice_texts or {}),
            "events": [
                {"seq": e.seq, "at": e.at, "actor": e.actor_id, "kind": e.kind.value, "payload": e.payload}
                for e in events
            ],
            "people": dict(names),
        }
    )


def notice_texts(item: Item, org_tz: str) -> dict[str, str]:
    """The supervision notice (督查通知单) as it reads in each language, for the archive."""
    texts = {}
    for locale in LOCALES:
        reader = Reader(user_id=item.assigner_id, locale=locale, tz=org_tz, can_see_confidential=True)
        body = notices.notice(item, reader, org_tz)
        texts[locale] = "\n".join(_block_texts(body.get("blocks") or []))
    return texts


def _block_texts(blocks: list[Any]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        block = block if isinstance(block, dict) else block.to_dict()
        text = (block.get("text") or {}).get("text")
        if text:
            lines.append(text)
        lines.extend(f.get("text", "") for f in block.get("fields") or [])
        lines.extend(e.get("text", "") for e in block.get("elements") or [] if isinstance(e.get("text"), str))
    return [line for line in lines if line]


def _e(text: Any) -> str:
    return html.escape(str(text))


def _entry(when: str, what: str, who: str, lines: list[str], extra: str = "") -> str:
    body = "".join(f"<p class='line'>{_e(line)}</p>" for line in lines)
    return (
        f"<li><span class='when'>{_e(when)}</span> · <span class='what'>{_e(what)}</span>"
        f" · {_e(who)}{body}{extra}</li>"
    )


def _timeline(entries: list[str], none: str) -> str:
    return f"<ul class='timeline'>{''.join(entries)}</ul>" if entries else f"<p>{_e(none)}</p>"


def _files(files: list[Mapping[str, Any]]) -> str:
    links = "".join(
        f"<li><a href='{_e(f.get('permalink', ''))}'>{_e(f.get('name', ''))}</a></li>"
        for f in files
        if str(f.get("permalink", "")).startswith("https://")
    )
    return f"<ul>{links}</ul>" if links else ""


def dossier_html(data: Mapping[str, Any], locale: str, tz: str, *, generated_at: datetime, by: str) -> str:
    words = Words(locale, tz, data.get("people") or {})

    def tr(key: str, **params: Any) -> str:
        return _e(tp(locale, f"dossier.{key}", **params))

    none = tp(locale, "dossier.none")

    def events(kinds: set[str] | None) -> str:
        return _timeline(
            [
                _entry(
                    words.when(e["at"]),
                    event_name(words, e["kind"]),
                    words.who(e["actor"]),
                    event_details(words, e["kind"], e.get("payload") or {}),
                    _files((e.get("payload") or {}).get("files") or []),
                )
                for e in data["events"]
                if kinds is None or e["kind"] in kinds
            ],
            none,
        )

    def records(rows: list[Mapping[str, Any]], actor_key: str, describe: Any) -> str:
        entries = []
        for r in rows:
            what, lines = describe(words, r)
            at = r.get("sent_at") or r.get("created_at")  # an urging: when it was sent or done
            entries.append(_entry(words.when(at), what, words.who(r.get(actor_key)), lines))
        return _timeline(entries, none)

    owners = data["owners"]
    lead = words.names([o["user"] for o in owners if o["role"] == "lead"])
    co = words.names([o["user"] for o in owners if o["role"] != "lead"]) or none
    register_rows = [
        ("number", _e(data["number"])),
        ("subject", _e(data["title"])),
        ("source", _e(tp(locale, f"source.{data['source']}"))),
        ("received_on", _e(words.when(data.get("received_on")))),
        ("doc_number", _e(data.get("doc_number") or none)),
        ("basis", f"<p class='line'>{_e(data.get('basis') or none)}</p>"),
        ("requirements", f"<p class='line'>{_e(data['requirements'] or none)}</p>"),
        ("lead", _e(lead)),
        ("co", _e(co)),
        ("assigner", _e(words.who(data["assigner"]))),
        ("registered", _e(words.when(data["created_at"]))),
        ("original_due", _e(words.when(data["original_due"]))),
        ("current_due", _e(words.when(data["current_due"]))),
        ("completed", _e(words.when(data["completed_at"]))),
        ("archived", _e(words.when(data["archived_at"]))),
        ("state", _e(tp(locale, f"state.{data['state']}"))),
        ("confidential", tr("confidential_yes" if data["confidential"] else "confidential_no")),
    ]
    register = "".join(f"<tr><th>{tr(key)}</th><td>{value}</td></tr>" for key, value in register_rows)
    notice_text = (data.get("notice_text") or {}).get(locale) or (data.get("notice_text") or {}).get("zh")
    notice = f"<div class='notice'>{_e(words.plain(notice_text))}</div>" if notice_text else ""
    meetings = _timeline(
        [
            _entry(
                words.when(m.get("held_at") or m.get("at")),
                event_name(words, "meeting_held"),
                words.who(m.get("by")),
                event_details(words, "meeting_held", m),
            )
            for m in data.get("meetings") or []
        ],
        none,
    )
    evidence = _timeline(
        [
            _entry(
                words.when(f.get("at")),
                tp(locale, f"dossier.evidence_{'thread' if f.get('source') == 'thread' else 'report'}"),
                words.who(f.get("by")),
                [],
                _files(f.get("files") or []),
            )
            for f in data.get("evidence") or []
        ],
        none,
    )
    bodies = {
        "register": f"<table>{register}</table>",
        "notice": notice + events(_NOTICE_KINDS),
        "urges": records(data["urges"], "actor_id", urge_details),
        "meetings": meetings,
        "reports": records(data["reports"], "author_id", report_details),
        "evidence": evidence,
        "reviews": records(data["reviews"], "reviewer_id", review_details),
        "instructions": events(_INSTRUCTION_KINDS),
        "notes": events(_NOTE_KINDS),
        "audit": events(None),
    }
    toc = "".join(f"<li><a href='#{key}'>{tr(key)}</a></li>" for key in SECTIONS)
    sections = "".join(f"<h2 id='{key}'>{tr(key)}</h2>{bodies[key]}" for key in SECTIONS)
    title = tr("title", number=data["number"])
    generated = tr("generated", at=format_datetime(generated_at, locale, tz), who=by)
    return (
        f'<!DOCTYPE html><html lang="{"en" if locale == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><p class='meta'>{generated}</p>"
        f"<h2>{tr('contents')}</h2><ol class='toc'>{toc}</ol>{sections}"
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
