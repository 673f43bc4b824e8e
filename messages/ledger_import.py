"""What ``duban import`` prints: one line per refused row, then what was (or would be) imported."""

from __future__ import annotations

from typing import Any

from bot.domain.ledger_import import COLUMNS, Refusal
from messages.i18n import has, tp


def _params(loc: str, params: dict[str, Any]) -> dict[str, Any]:
    shown = dict(params)
    if shown.get("column") in COLUMNS:
        shown["column"] = tp(loc, f"ledger_import.col_{shown['column']}")
    if isinstance(shown.get("columns"), str):
        names = [c.strip() for c in shown["columns"].split(",")]
        shown["columns"] = ", ".join(tp(loc, f"ledger_import.col_{c}") if c in COLUMNS else c for c in names)
    return shown


def refusal_line(loc: str, refusal: Refusal) -> str:
    key = f"ledger_import.{refusal.code}"
    reason = tp(loc, key, **_params(loc, refusal.params)) if has(loc, key) else refusal.code
    if refusal.row == 0:
        return tp(loc, "ledger_import.whole_file", reason=reason)
    return tp(loc, "ledger_import.row", row=refusal.row, reason=reason)


def file_error(loc: str, code: str, params: dict[str, Any]) -> str:
    return tp(loc, f"ledger_import.{code}", **_params(loc, params))


def summary(loc: str, report: Any, *, dry_run: bool) -> list[str]:
    """The report of bot.services.ledger_import.ImportReport as lines of plain text."""
    lines = [refusal_line(loc, r) for r in report.refused]
    numbers = ", ".join(str(r.number) for r in report.accepted[:20])
    if len(report.accepted) > 20:
        numbers += ", …"
    nexts = ", ".join(f"{year}: {seq:04d}" for year, seq in report.next_numbers.items())
    if dry_run:
        key = "dry_run_ok" if not report.refused else "dry_run_refused"
    else:
        key = "written" if report.written else "nothing_written"
    lines.append(
        tp(
            loc,
            f"ledger_import.{key}",
            total=report.total,
            ok=len(report.accepted),
            refused=len({r.row for r in report.refused}),
            numbers=numbers or "-",
            next=nexts or "-",
        )
    )
    return lines
