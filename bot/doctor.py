"""``duban doctor``: checks an installation and prints one line per check, with a fix for each failure.

Lines are English with the check's Chinese name in parentheses (operators read the fix next to the
English names of Slack's pages). Exit code 0 when nothing failed (warnings allowed), 1 otherwise.
Nothing is changed: no migration, no message posted, no file written.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.organisation import org_file_problem
from bot.settings import Settings, SettingsError, load_settings
from bot.slack_auth import BotIdentity, SlackAuthError, auth_test

Status = Literal["ok", "warn", "FAIL"]
_VARIABLE = re.compile(r"^([A-Z][A-Z0-9_]+) ")


@dataclass(frozen=True, slots=True)
class Check:
    status: Status
    name: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        pad = " " * max(1, 34 - _width(self.name))
        text = f"{self.status:<4}  {self.name}{pad}{self.detail}"
        return f"{text} — fix: {self.fix}" if self.fix else text


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def ok(name: str, detail: str) -> Check:
    return Check("ok", name, detail)


def warn(name: str, detail: str, fix: str) -> Check:
    return Check("warn", name, detail, fix)


def fail(name: str, detail: str, fix: str) -> Check:
    return Check("FAIL", name, detail, fix)


# -- configuration ------------------------------------------------------------------------------


def read_settings(env: Mapping[str, str]) -> tuple[Settings | None, dict[str, str]]:
    """Settings from ``env``, leaving out each malformed variable (reported by name) so the other
    checks still run; (None, errors) when an error names no variable we could leave out."""
    env, errors = dict(env), {}
    while True:
        try:
            return load_settings(env), errors
        except SettingsError as exc:
            match = _VARIABLE.match(str(exc))
            if match is None or match.group(1) not in env:
                errors["configuration"] = str(exc)
                return None, errors
            errors[match.group(1)] = str(exc)
            env.pop(match.group(1))


def configuration_checks(errors: Mapping[str, str]) -> list[Check]:
    checks = [
        fail(f"setting {name}", message, "correct it in .env or the environment (see .env.example)")
        for name, message in errors.items()
        if name != "DUBAN_TIMEZONE"  # the timezone check reports it
    ]
    return checks or [ok("settings (配置)", "every variable is well-formed")]


def timezone_check(env: Mapping[str, str]) -> Check:
    name = "timezone (时区)"
    zone = env.get("DUBAN_TIMEZONE", "").strip() or "Asia/Shanghai"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return fail(
            name, f"DUBAN_TIMEZONE={zone!r} is not a known IANA timezone", "set it to e.g. Asia/Shanghai"
        )
    return ok(name, zone)


def signing_secret_check(settings: Settings) -> Check:
    name = "signing secret (签名密钥)"
    secret = settings.signing_secret
    if not secret:
        return fail(
            name,
            "SLACK_SIGNING_SECRET is not set",
            "copy the Signing Secret from the app's Basic Information page",
        )
    if not re.fullmatch(r"[0-9a-f]{32}", secret):
        return warn(
            name,
            "set, but not the 32 hex digits Slack issues",
            "compare with the Signing Secret on the app's Basic Information page",
        )
    return ok(name, "set")


def app_token_check(settings: Settings) -> Check:
    name = "app-level token (Socket Mode)"
    if not settings.app_token:
        return ok(name, "not set (only `duban socket` needs SLACK_APP_TOKEN)")
    if not settings.app_token.startswith("xapp-"):
        return fail(
            name,
            "SLACK_APP_TOKEN does not start with xapp-",
            "create an app-level token with connections:write (Basic Information → App-Level Tokens)",
        )
    return ok(name, "set")


# -- Slack ----------------------------------------------------------------------------------------


async def token_check(client: AsyncWebClient, settings: Settings) -> tuple[Check, BotIdentity | None]:
    name = "Slack bot token (令牌)"
    if not settings.bot_token:
        return fail(
            name,
            "SLACK_BOT_TOKEN is not set",
            "copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
        ), None
    if not settings.bot_token.startswith("xoxb-"):
        return fail(
            name,
            "SLACK_BOT_TOKEN is not a bot token (xoxb-…)",
            "use the Bot User OAuth Token, not a user or app-level token",
        ), None
    try:
        identity = await auth_test(client)
    except SlackAuthError as exc:
        detail, _, fix = str(exc).partition(": ")
        return fail(name, detail, fix), None
    except SlackApiError as exc:
        return fail(name, f"auth.test failed: {exc.response.get('error')}", "check SLACK_API_URL"), None
    except Exception as exc:  # network: Slack (or SLACK_API_URL) unreachable
        return fail(
            name,
            f"cannot reach Slack at {settings.api_url} ({type(exc).__name__})",
            "check the network, a proxy, or SLACK_API_URL",
        ), None
    return ok(name, f"valid for team {identity.team_id} as bot user {identity.bot_user_id}"), identity


def scopes_check(identity: BotIdentity, wanted: tuple[str, ...]) -> Check:
    name = "Slack scopes (权限)"
    if identity.scopes is None:
        return warn(
            name,
            "Slack did not report the granted scopes",
            "compare OAuth & Permissions with bot/manifest.yaml",
        )
    missing = [scope for scope in wanted if scope not in identity.scopes]
    if missing:
        return fail(
            name,
            f"missing {', '.join(missing)}",
            "add them under OAuth & Permissions → Bot Token Scopes (or update the app from "
            "`duban manifest`), then reinstall the app to the workspace",
        )
    return ok(name, f"all {len(wanted)} scopes of the manifest granted")


async def bulletin_channel_check(client: AsyncWebClient, settings: Settings) -> Check:
    name = "bulletin channel (通报频道)"
    channel = settings.bulletin_channel
    if not channel:
        return fail(
            name,
            "DUBAN_BULLETIN_CHANNEL is not set",
            "set it to the channel id (channel details → About, at the bottom: C…)",
        )
    try:
        response = await client.conversations_info(channel=channel)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "channel_not_found":
            return fail(
                name,
                f"{channel} not found",
                "check the id; a private channel is visible to the bot only once invited (/invite @duban)",
            )
        return fail(
            name, f"conversations.info failed: {error}", "check the scopes channels:read and groups:read"
        )
    except Exception as exc:
        return fail(name, f"cannot reach Slack ({type(exc).__name__})", "check the network or SLACK_API_URL")
    info = response.get("channel") or {}
    label = f"#{info.get('name', channel)} ({channel})"
    if info.get("is_archived"):
        return fail(name, f"{label} is archived", "unarchive it or choose another channel")
    if not info.get("is_member"):
        return fail(
            name,
            f"the bot is not a member of {label}",
            f"type /invite @duban in #{info.get('name', channel)} (file uploads need membership)",
        )
    return ok(name, f"{label}, the bot is a member")


# -- organisation file (DUBAN_ORG_FILE) --------------------------------------------------------------

# The contract of the validator: the one-line problem, or None when valid (bot.services.organisation).
OrgFileValidator = Callable[[Path], str | None]


def org_file_check(settings: Settings, validate: OrgFileValidator = org_file_problem) -> Check | None:
    if not settings.org_file:
        return None
    name = "organisation file (组织架构)"
    problem = validate(Path(settings.org_file))
    if problem:
        return fail(name, problem, "correct DUBAN_ORG_FILE (format: docs/install.md)")
    return ok(name, f"{settings.org_file} is valid")


def print_report(checks: list[Check], out: TextIO = sys.stdout) -> int:
    for check in checks:
        print(check.line(), file=out)
    failed = sum(c.status == "FAIL" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    print(f"\n{failed} failed, {warned} warnings, {len(checks)} checks", file=out)
    return 1 if failed else 0


def now_in(settings: Settings) -> datetime:
    return datetime.now(settings.zone)


def environment() -> Mapping[str, str]:
    """The process environment after the working directory's .env (as every duban command reads it)."""
    from bot.settings import dotenv_path

    path = dotenv_path()
    if path is not None:
        from dotenv import load_dotenv

        load_dotenv(path, override=False)
    return os.environ


async def run_doctor(out: TextIO = sys.stdout, validate_org_file: OrgFileValidator | None = None) -> int:
    """Every check, in the order an installer fixes things; returns the exit code."""
    from bot.doctor_db import calendar_checks, database_check, roles_check, sqlite_file_missing
    from bot.manifest import bot_scopes
    from storage.db import create_engine

    env = environment()
    settings, errors = read_settings(env)
    checks = configuration_checks(errors)
    checks.append(timezone_check(env))
    if settings is None:
        return print_report(checks, out)
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url, timeout=10)
    token, identity = await token_check(client, settings)
    checks.append(token)
    if identity is not None:
        checks.append(scopes_check(identity, bot_scopes()))
    checks.append(signing_secret_check(settings))
    checks.append(app_token_check(settings))
    checks.append(
        await bulletin_channel_check(client, settings)
        if identity is not None
        else fail(
            "bulletin channel (通报频道)", "not checked: the token does not work", "fix the token first"
        )
    )
    missing_file = sqlite_file_missing(settings.database_url)
    engine = None if missing_file else create_engine(settings.database_url)
    try:
        if missing_file is not None:
            checks.append(
                fail("database (数据库)", f"SQLite file {missing_file} does not exist", "run `duban migrate`")
            )
            usable = None
        else:
            assert engine is not None
            database = await database_check(engine)
            checks.append(database)
            usable = engine if database.status == "ok" else None
        checks.extend(await calendar_checks(usable, now_in(settings).date()))
        checks.append(await roles_check(usable, settings, client if identity is not None else None))
        org = org_file_check(settings, validate_org_file or org_file_problem)
        if org is not None:
            checks.append(org)
    finally:
        if engine is not None:
            await engine.dispose()
    return print_report(checks, out)
