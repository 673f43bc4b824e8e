"""Configuration from the environment (and an optional ``.env`` in the current directory), validated once.

The ``.env`` is looked up in the working directory only (where an operator runs ``duban``), never beside
the code; variables already in the environment win over it. ``DUBAN_DOTENV=0`` turns it off (the tests
set it, so a developer's own ``.env`` never leaks into a test run).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///duban.db"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


class SettingsError(Exception):
    """A missing or malformed setting; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    port: int = 3000
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    locale: str = "zh"
    leaders: tuple[str, ...] = ()
    supervisors: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    bulletin_channel: str | None = None
    sweep_seconds: int = 60
    # DUBAN_WORKERS: `duban serve` processes sharing $PORT (bot/workers.py); worker 0 alone runs the
    # scheduler. More than one spreads the requests over the host's cores.
    workers: int = 1
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)
    urge_repeat_hours: int = 4  # ask again after this many working hours without an answer
    urge_max_repeats: int = 2
    escalate_after_workdays: int = 2  # escalate a written notice unanswered this long
    escalation_webhook_url: str | None = None  # an SMS / voice gateway reached on escalation
    webhook_secret: str | None = None
    # Source kinds (bot.domain.items.SourceKind values) whose items need a leader's approval first (拟办呈批)
    approval_sources: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)
    # Bulletin department score (单位得分) weights and thresholds (bot.domain.statistics.StatsConfig);
    # None: StatsConfig's own default.
    score_on_time: int = 1
    score_late: int = -1
    score_return: int = -2
    yellow_workdays: int | None = None
    criticise_overdue_days: int | None = None
    # Operations (bot/observability.py, bot/doctor.py)
    metrics_token: str | None = None  # GET /metrics from non-loopback clients needs this bearer token
    log_format: str = "text"  # text | json
    org_file: str | None = None  # DUBAN_ORG_FILE: the organisation (departments) in TOML
    # 一督到底 limits (bot.domain.follow_through.FollowThroughPolicy), in working days
    decide_workdays: int = 1  # a proposal or an extension request is decided within this
    ack_workdays: int = 1  # a co-owner or FYI recipient acknowledges within this
    progress_workdays: int = 5  # 续报 cadence after a delay report
    # Bulletins (and their criticism lists) go to the principal leader as a draft first (S3)
    bulletin_signoff: bool = False
    approval_levels: int = 1  # 拟办呈批: 1 = a leader decides; 2 = the unit's 分管领导, then the principal
    principal_leader: str | None = None  # DUBAN_PRINCIPAL_LEADER (主要领导); default: the first leader

    @property
    def principal(self) -> str | None:
        """The principal leader (主要领导): DUBAN_PRINCIPAL_LEADER, else the first of DUBAN_LEADERS."""
        return self.principal_leader or (self.leaders[0] if self.leaders else None)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_slack(self, *, socket: bool = False) -> None:
        """serve/socket need real credentials; demo does not."""
        needed = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"] + (["SLACK_APP_TOKEN"] if socket else [])
        values = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_APP_TOKEN": self.app_token,
        }
        for name in needed:
            if not values[name]:
                raise SettingsError(f"{name} is not set: copy .env.example to .env and fill it in")
        if self.bot_token and not self.bot_token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if socket and self.app_token and not self.app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")


def _ids(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = env.get(name, "")
    ids = tuple(part.strip() for part in raw.split(",") if part.strip())
    for user_id in ids:
        if not _USER_ID.match(user_id):
            raise SettingsError(
                f"{name} must be comma-separated Slack user ids like U012ABCDEF, got {user_id!r}"
            )
    return ids


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _work_hours(env: Mapping[str, str]) -> tuple[time, time]:
    raw = env.get("DUBAN_WORK_HOURS", "").strip() or "09:00-18:00"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", raw)
    if not match:
        raise SettingsError(f"DUBAN_WORK_HOURS must look like 09:00-18:00, got {raw!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60) or (h1, m1) >= (h2, m2):
        raise SettingsError(f"DUBAN_WORK_HOURS must be a start before an end within one day, got {raw!r}")
    return time(h1, m1), time(h2, m2)


def _approval_sources(env: Mapping[str, str]) -> tuple[str, ...]:
    from bot.domain.items import SourceKind

    known = {kind.value for kind in SourceKind}
    raw = env.get("DUBAN_APPROVAL_SOURCES", "")
    sources = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    for source in sources:
        if source not in known:
            raise SettingsError(
                f"DUBAN_APPROVAL_SOURCES must be comma-separated source kinds ({', '.join(sorted(known))}), "
                f"got {source!r}"
            )
    return sources


def dotenv_path() -> Path | None:
    """The ``.env`` that ``load_settings()`` reads: the working directory's, unless DUBAN_DOTENV=0."""
    if os.environ.get("DUBAN_DOTENV", "").strip().lower() in ("0", "false", "no", "off"):
        return None
    path = Path.cwd() / ".env"
    return path if path.is_file() else None


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    if env is None:
        path = dotenv_path() if dotenv else None
        if path is not None:
            from dotenv import load_dotenv

            load_dotenv(path, override=False)  # the environment wins over the file
        env = os.environ
    timezone = env.get("DUBAN_TIMEZONE", "").strip() or "Asia/Shanghai"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"DUBAN_TIMEZONE must be an IANA timezone like Asia/Shanghai, got {timezone!r}"
        ) from None
    locale = env.get("DUBAN_LOCALE", "").strip() or "zh"
    if locale not in ("zh", "en"):
        raise SettingsError(f"DUBAN_LOCALE must be zh or en, got {locale!r}")
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
    if not re.match(r"^https?://", api_url):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"
    database_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if not re.match(r"^(sqlite|postgres|postgresql)(\+\w+)?://", database_url):
        raise SettingsError(
            f"DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://, got {database_url!r}"
        )
    channel = env.get("DUBAN_BULLETIN_CHANNEL", "").strip() or None
    if channel and not _CHANNEL_ID.match(channel):
        raise SettingsError(f"DUBAN_BULLETIN_CHANNEL must be a channel id like C012ABCDEF, got {channel!r}")
    work_start, work_end = _work_hours(env)
    webhook_url = env.get("DUBAN_ESCALATION_WEBHOOK_URL", "").strip() or None
    if webhook_url and not re.match(r"^https?://", webhook_url):
        raise SettingsError(f"DUBAN_ESCALATION_WEBHOOK_URL must be an http(s) URL, got {webhook_url!r}")
    if webhook_url and not env.get("DUBAN_WEBHOOK_SECRET", "").strip():
        raise SettingsError("DUBAN_WEBHOOK_SECRET must be set when DUBAN_ESCALATION_WEBHOOK_URL is")
    return Settings(
        bot_token=env.get("SLACK_BOT_TOKEN", "").strip() or None,
        signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() or None,
        app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
        api_url=api_url,
        port=_int(env, "PORT", 3000, 1, 65535),
        database_url=database_url,
        timezone=timezone,
        locale=locale,
        leaders=_ids(env, "DUBAN_LEADERS"),
        supervisors=_ids(env, "DUBAN_SUPERVISORS"),
        admins=_ids(env, "DUBAN_ADMINS"),
        bulletin_channel=channel,
        sweep_seconds=_int(env, "DUBAN_SWEEP_SECONDS", 60, 1, 86400),
        workers=_int(env, "DUBAN_WORKERS", 1, 1, 64),
        work_start=work_start,
        work_end=work_end,
        urge_repeat_hours=_int(env, "DUBAN_URGE_REPEAT_HOURS", 4, 1, 72),
        urge_max_repeats=_int(env, "DUBAN_URGE_MAX_REPEATS", 2, 0, 10),
        escalate_after_workdays=_int(env, "DUBAN_ESCALATE_AFTER_WORKDAYS", 2, 1, 30),
        escalation_webhook_url=webhook_url,
        webhook_secret=env.get("DUBAN_WEBHOOK_SECRET", "").strip() or None,
        approval_sources=_approval_sources(env),
        **_stats_settings(env),
        **_ops_settings(env),
        **_flow_settings(env),
    )


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")


def _flow_settings(env: Mapping[str, str]) -> dict[str, object]:
    principal = env.get("DUBAN_PRINCIPAL_LEADER", "").strip() or None
    if principal and not _USER_ID.match(principal):
        raise SettingsError(
            f"DUBAN_PRINCIPAL_LEADER must be a Slack user id like U012ABCDEF, got {principal!r}"
        )
    return {
        "decide_workdays": _int(env, "DUBAN_DECIDE_WORKDAYS", 1, 0, 30),
        "ack_workdays": _int(env, "DUBAN_ACK_WORKDAYS", 1, 0, 30),
        "progress_workdays": _int(env, "DUBAN_PROGRESS_WORKDAYS", 5, 0, 60),
        "bulletin_signoff": _flag(env, "DUBAN_BULLETIN_SIGNOFF"),
        "approval_levels": _int(env, "DUBAN_APPROVAL_LEVELS", 1, 1, 2),
        "principal_leader": principal,
    }


def _ops_settings(env: Mapping[str, str]) -> dict[str, str | None]:
    log_format = env.get("DUBAN_LOG_FORMAT", "").strip().lower() or "text"
    if log_format not in ("text", "json"):
        raise SettingsError(f"DUBAN_LOG_FORMAT must be text or json, got {log_format!r}")
    return {
        "metrics_token": env.get("DUBAN_METRICS_TOKEN", "").strip() or None,
        "log_format": log_format,
        "org_file": env.get("DUBAN_ORG_FILE", "").strip() or None,
    }


def _stats_settings(env: Mapping[str, str]) -> dict[str, int]:
    from bot.domain.statistics import StatsConfig

    defaults = StatsConfig()
    return {
        "score_on_time": _int(env, "DUBAN_SCORE_ON_TIME", 1, -100, 100),
        "score_late": _int(env, "DUBAN_SCORE_LATE", -1, -100, 100),
        "score_return": _int(env, "DUBAN_SCORE_RETURN", -2, -100, 100),
        "yellow_workdays": _int(env, "DUBAN_YELLOW_WORKDAYS", defaults.yellow_workdays, 0, 60),
        "criticise_overdue_days": _int(
            env, "DUBAN_CRITICISE_OVERDUE_DAYS", defaults.criticism_overdue_days, 0, 3650
        ),
    }
