"""The ``duban`` command: serve | socket | demo | migrate | doctor | manifest."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot import logs
from bot.domain.organisation import OrgFileError
from bot.settings import Settings, SettingsError, load_settings
from bot.slack_auth import SlackAuthError

log = logging.getLogger("duban")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="duban", description="Duban (督办): supervision and follow-up in Slack"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz on $PORT")
    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
    demo = sub.add_parser("demo", help="the whole bot against a local emulated workspace, no Slack needed")
    demo.add_argument("--keep", action="store_true", help="keep the demo database from the last run")
    demo.add_argument("--script", help="read console commands from this file instead of the terminal")
    demo.add_argument("--web", action="store_true", help="serve the workspace as a page on 127.0.0.1")
    demo.add_argument("--port", type=int, default=0, help="the page's port with --web (default: any free)")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("doctor", help="check the installation: token, scopes, channel, database, calendar, roles")
    manifest = sub.add_parser("manifest", help="print the Slack app manifest to create the app from")
    manifest.add_argument(
        "--url", help="your public HTTPS base URL (HTTP mode), e.g. https://duban.example.org"
    )
    manifest.add_argument("--socket", action="store_true", help="for Socket Mode (`duban socket`)")
    backup = sub.add_parser("backup", help="a consistent copy of the SQLite database, safe while serving")
    backup.add_argument("file", help="the new file to write")
    restore = sub.add_parser("restore", help="load a backup into an empty database (DATABASE_URL)")
    restore.add_argument("file", help="a file made by `duban backup`")
    ledger = sub.add_parser(
        "import", help="load the office's existing ledger (台账) of open items: .xlsx or .csv"
    )
    ledger.add_argument("file", help="the ledger: number, title, lead owner, deadline, … (see docs)")
    ledger.add_argument(
        "--dry-run", action="store_true", help="list every row that would be refused, write nothing"
    )
    ledger.add_argument("--by", help="Slack user id the items count as registered by (default: a supervisor)")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from bot.doctor import run_doctor

        logging.basicConfig(level=logging.CRITICAL)  # the report is the output
        return asyncio.run(run_doctor())
    if args.command == "manifest":
        from bot.manifest import render

        print(render(args.url, socket=args.socket), end="")
        return 0
    try:
        settings = load_settings()
        logs.configure(
            fmt=settings.log_format,
            level=logging.WARNING if args.command == "demo" else logging.INFO,
            secrets=(
                settings.bot_token,
                settings.signing_secret,
                settings.app_token,
                settings.metrics_token,
                settings.webhook_secret,
            ),
        )
        if args.command == "serve":
            settings.require_slack()
            if settings.workers > 1:
                return _serve_workers(settings)
            asyncio.run(_serve(settings))
        elif args.command == "socket":
            settings.require_slack(socket=True)
            asyncio.run(_socket(settings))
        elif args.command == "migrate":
            from storage.migrate import main_upgrade

            main_upgrade(settings.database_url)
            print(f"database is up to date: {_redacted(settings.database_url)}")
        elif args.command == "import":
            from bot.ledger_cli import run_import

            return asyncio.run(run_import(settings, Path(args.file), dry_run=args.dry_run, by=args.by))
        elif args.command in ("backup", "restore"):
            return _backup_or_restore(args.command, Path(args.file), settings.database_url)
        elif args.command == "demo":
            from bot.demo import run_demo

            lines = Path(args.script).read_text(encoding="utf-8").splitlines() if args.script else None
            asyncio.run(run_demo(settings, keep=args.keep, script_lines=lines, web=args.web, port=args.port))
    except (SettingsError, SlackAuthError, OrgFileError) as error:
        return _stopped_by(error)
    except KeyboardInterrupt:
        return 130
    return 0


def _stopped_by(error: SettingsError | SlackAuthError | OrgFileError) -> int:
    """One line on stderr, and the exit code: 3 for a token Slack refused, 2 for configuration."""
    prefix = "configuration error: " if isinstance(error, SettingsError) else ""
    print(f"duban: {prefix}{error}", file=sys.stderr)
    return 3 if isinstance(error, SlackAuthError) else 2


async def _serve(settings: Settings, worker: int | None = None) -> None:
    """One ``duban serve`` process; ``worker``: its index among ``DUBAN_WORKERS`` (only 0 schedules)."""
    from bot.app import build_runtime, settle_heap

    runtime = await build_runtime(settings, verify_slack=True, migrate=worker is None)
    try:
        port = await runtime.serve_http("0.0.0.0", settings.port, shared=worker is not None)
        if not worker:  # None (a single process) or worker 0
            runtime.start_scheduler()
        settle_heap()
        role = "" if worker is None else f" worker {worker}" + (" (scheduler)" if worker == 0 else "")
        log.info("Duban%s listening on :%s (POST /slack/events, GET /healthz, GET /metrics)", role, port)
        await _until_stopped()
        log.info("Duban stopping")
    finally:
        await runtime.close()


def _serve_workers(settings: Settings) -> int:
    """``DUBAN_WORKERS`` > 1: check the configuration and the token, migrate once, then fork the workers
    (bot/workers.py). A refused token or a bad organisation file stops here, as in one process."""
    from bot.app import check_before_start  # imported before the fork, so the workers share its pages
    from bot.observability import share_across_workers
    from bot.workers import supervise
    from storage.migrate import main_upgrade

    asyncio.run(check_before_start(settings))
    main_upgrade(settings.database_url)
    # The workers' metrics, summed at every scrape; gone with the supervisor.
    shared_metrics = tempfile.mkdtemp(prefix="duban-metrics-")

    def run_worker(index: int) -> int:
        share_across_workers(shared_metrics)
        try:
            asyncio.run(_serve(settings, worker=index))
        except (SlackAuthError, OrgFileError) as error:  # changed since the supervisor's check
            return _stopped_by(error)
        return 0

    try:
        return supervise(settings.workers, run_worker)
    finally:
        shutil.rmtree(shared_metrics, ignore_errors=True)


async def _socket(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.app import build_runtime, settle_heap

    runtime = await build_runtime(settings, verify_slack=True)
    handler = AsyncSocketModeHandler(runtime.app, settings.app_token, web_client=runtime.client)
    try:
        # No Slack requests come over HTTP here, but /healthz and /metrics still answer on $PORT.
        port = await runtime.serve_http("0.0.0.0", settings.port, slack=False)
        runtime.start_scheduler()
        settle_heap()
        await handler.connect_async()
        log.info("Duban connected over Socket Mode (GET /healthz, GET /metrics on :%s)", port)
        await _until_stopped()
        log.info("Duban stopping")
    finally:
        await handler.close_async()
        await runtime.close()


async def _until_stopped() -> None:
    """Run until SIGTERM (how process managers stop us) or SIGINT, then return for a clean shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def _backup_or_restore(command: str, file: Path, database_url: str) -> int:
    from storage.backup import BackupError, backup, restore

    try:
        if command == "backup":
            items = backup(database_url, file)
            print(f"backed up {items} items from {_redacted(database_url)} to {file}")
        else:
            items = restore(file, database_url)
            print(f"restored {items} items from {file} into {_redacted(database_url)}")
    except BackupError as error:
        print(f"duban {command}: {error}", file=sys.stderr)
        return 1
    return 0


def _redacted(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


if __name__ == "__main__":
    raise SystemExit(main())
