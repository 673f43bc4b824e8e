"""Logging for operators: readable text by default, JSON lines with ``DUBAN_LOG_FORMAT=json``.

Each line carries what is known about the request being handled (request id, Slack user, item number,
event), set in context variables when a request arrives (``bot.observability``) so any code below can log
without passing them around. Secrets never reach a line: tokens and configured secrets are masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo
from typing import Any

# Fields a request may know; missing ones are left out of JSON lines and text lines alike.
FIELDS = ("request_id", "user", "item", "event")
_context: ContextVar[dict[str, str]] = ContextVar("duban_log_context", default={})  # noqa: B039 (read-only)

_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
# Libraries that talk a lot at start (Alembic's "Context impl", APScheduler's every beat) or per request.
_QUIET = {"alembic": logging.WARNING, "apscheduler": logging.WARNING, "aiohttp.access": logging.WARNING}


# The demo runs on its own clock: its log lines carry that clock's time (in the organisation's zone), not the
# machine's, so they read in step with the demo's messages. None outside the demo.
_stamp: tuple[Callable[[], datetime], tzinfo] | None = None


def stamp_with(now: Callable[[], datetime] | None, tz: tzinfo = UTC) -> None:
    """Time log lines by ``now`` shown in ``tz`` (the demo clock); ``None`` goes back to the machine's."""
    global _stamp
    _stamp = (now, tz) if now is not None else None


def _line_time(record: logging.LogRecord) -> datetime:
    if _stamp is None:
        return datetime.fromtimestamp(record.created, UTC)
    now, tz = _stamp
    return now().astimezone(tz)


def bind(**fields: str | None) -> None:
    """Add fields to the current request's log context (None values are ignored)."""
    known = {k: str(v) for k, v in fields.items() if v is not None and k in FIELDS}
    if known:
        _context.set({**_context.get(), **known})


@contextmanager
def request_scope(**fields: str | None) -> Iterator[None]:
    """A fresh log context for one request; the previous one is restored afterwards."""
    token = _context.set({k: str(v) for k, v in fields.items() if v is not None and k in FIELDS})
    try:
        yield
    finally:
        _context.reset(token)


def current() -> dict[str, str]:
    return dict(_context.get())


class Redactor:
    """Masks Slack tokens, URL passwords and the configured secret values in any text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        text = _TOKEN.sub(lambda m: f"{m.group(1)}-***", text)
        return _URL_PASSWORD.sub(r"\1***@", text)


class _ContextFilter(logging.Filter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        # Render once and mask: arguments may hold a token (an exception text, a URL).
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request fields known."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _line_time(record).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in (*FIELDS, "kind", "command", "status", "duration_ms"):
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_text:
            line["exception"] = record.exc_text
        elif record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic line, plus ``[key=value …]`` for the request fields known."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if _stamp is None:
            return super().formatTime(record, datefmt)
        return f"{_line_time(record):%Y-%m-%d %H:%M:%S}"

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        known = [f"{k}={getattr(record, k)}" for k in FIELDS if getattr(record, k, None) is not None]
        if not known:
            return text
        first, _, rest = text.partition("\n")
        return f"{first} [{' '.join(known)}]" + (f"\n{rest}" if rest else "")


def configure(*, fmt: str = "text", level: int = logging.INFO, secrets: Iterable[str | None] = ()) -> None:
    """Install one stderr handler on the root logger (replacing earlier ones) in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(_ContextFilter(Redactor(secrets)))
    handler.addFilter(_drop_client_token_warning)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet_level in _QUIET.items():
        logging.getLogger(name).setLevel(max(quiet_level, level))


def _drop_client_token_warning(record: logging.LogRecord) -> bool:
    # Bolt warns at every start that SLACK_BOT_TOKEN in the environment is skipped because we hand it a
    # client; that is how Duban is meant to run, so the line is noise.
    from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

    return record.getMessage() != warning_client_prioritized_and_token_skipped()
