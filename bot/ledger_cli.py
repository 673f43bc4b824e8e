"""``duban import ledger.xlsx [--dry-run] [--by U…]``: load the office's existing ledger into Duban.

No Slack call is made: owners are matched in the users table (or given by Slack user id).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.domain.clock import Clock, SystemClock
from bot.domain.ports import SlackProfile
from bot.ledger_files import LedgerFileError, read_ledger
from bot.services.context import ServiceContext
from bot.services.ledger_import import LedgerImportService
from bot.settings import Settings
from messages import ledger_import as text
from storage.db import create_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitsOfWork


class _NoDirectory:
    """The import never asks Slack about people."""

    async def fetch(self, user_id: str) -> SlackProfile | None:
        return None


async def run_import(
    settings: Settings,
    path: Path,
    *,
    dry_run: bool,
    by: str | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
) -> int:
    """0 when every row was (or, on a dry run, would be) imported; 1 when rows are refused; 2 bad file."""
    out = out or sys.stdout
    loc = settings.locale
    try:
        table = read_ledger(path)
    except LedgerFileError as error:
        print(text.file_error(loc, error.code, error.params), file=out)
        return 2
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        units = SqlUnitsOfWork(make_session_factory(engine))
        ctx = ServiceContext(units, clock or SystemClock(), settings, _NoDirectory())
        report = await LedgerImportService(ctx).run(table, dry_run=dry_run, by=by, file_name=path.name)
    finally:
        await engine.dispose()
    for line in text.summary(loc, report, dry_run=dry_run):
        print(line, file=out)
    return 1 if report.refused else 0
