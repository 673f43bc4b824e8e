"""``duban doctor`` tells a healthy installation from each broken one, one line per check."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import chinese_calendar
import pytest
from sqlalchemy.engine import make_url

from bot.emulator.driver import SlackEmulator
from bot.manifest import bot_scopes
from tests.ops.conftest import Finished, operator_env, run_duban


def failing(result: Finished) -> dict[str, str]:
    """The FAIL lines by check name (the name is what stands before the detail)."""
    failed = {}
    for line in result.lines:
        if line.startswith("FAIL"):
            _, name, _ = re.split(r"\s{2,}", line, maxsplit=2)
            failed[name] = line
    return failed


def confirm_current_year_if_needed(database_url: str) -> None:
    """The healthy set-up must not turn unhealthy on 1 January before the holiday package knows the year:
    an admin would then have confirmed the year (the doctor counts confirmed years as known)."""
    year = date.today().year
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return
    except NotImplementedError:
        pass
    url = make_url(database_url)
    assert url.get_backend_name() == "sqlite", "only SQLite set-ups need this in the tests"
    with sqlite3.connect(str(url.database)) as conn:
        conn.execute("INSERT INTO calendar_years (year) VALUES (?)", (year,))


async def test_a_healthy_installation_passes(slack: SlackEmulator, db_url: str, workdir: Path) -> None:
    if db_url.startswith("sqlite"):
        confirm_current_year_if_needed(db_url)
    result = await run_duban("doctor", env=operator_env(slack, db_url), cwd=workdir)
    assert result.code == 0, result.stdout + result.stderr
    assert failing(result) == {}
    text = result.stdout
    assert "ok    Slack bot token (令牌)" in text and "as bot user U0DUBANBOT" in text
    assert f"all {len(bot_scopes())} scopes of the manifest granted" in text
    assert "#duban-bulletin (C0BULLETIN), the bot is a member" in text
    assert "reachable and migrated" in text
    assert "1 leader, 1 supervisor, 1 admin" in text
    assert "0 failed" in text
    # Next year's schedule may be unknown: a warning that says what to do, never a failure.
    for line in result.lines:
        if line.startswith("warn"):
            assert "fix:" in line


BROKEN = [
    pytest.param(
        {"SLACK_BOT_TOKEN": "xoxb-not-the-token"},
        {"Slack bot token (令牌)", "bulletin channel (通报频道)"},
        "Slack refused SLACK_BOT_TOKEN (invalid_auth)",
        id="bad-token",
    ),
    pytest.param(
        {"DUBAN_LEADERS": None}, {"roles (领导 / 督查人员)"}, "no leader configured", id="no-leader"
    ),
    pytest.param(
        {"DUBAN_TIMEZONE": "Mars/Olympus"},
        {"timezone (时区)"},
        "'Mars/Olympus' is not a known",
        id="bad-timezone",
    ),
    pytest.param(
        {"SLACK_SIGNING_SECRET": None},
        {"signing secret (签名密钥)"},
        "SLACK_SIGNING_SECRET is not set",
        id="no-signing-secret",
    ),
    pytest.param(
        {"DUBAN_BULLETIN_CHANNEL": "C0NOWHERE"},
        {"bulletin channel (通报频道)"},
        "C0NOWHERE not found",
        id="unknown-channel",
    ),
    pytest.param(
        {"DUBAN_SUPERVISORS": "U0NOBODY"},
        {"roles (领导 / 督查人员)"},
        "Slack does not know",
        id="unknown-user",
    ),
]


@pytest.mark.parametrize(("env_change", "failed_checks", "says"), BROKEN)
async def test_each_broken_setting_fails_with_its_line(
    slack: SlackEmulator,
    migrated_sqlite: str,
    workdir: Path,
    env_change: dict[str, str | None],
    failed_checks: set[str],
    says: str,
) -> None:
    result = await run_duban("doctor", env=operator_env(slack, migrated_sqlite, **env_change), cwd=workdir)
    assert result.code == 1, result.stdout + result.stderr
    failed = failing(result)
    assert set(failed) == failed_checks, result.stdout
    assert any(says in line and "fix:" in line for line in failed.values()), result.stdout


async def test_a_missing_scope_is_named(slack: SlackEmulator, migrated_sqlite: str, workdir: Path) -> None:
    # An app installed from the old manifest: no chat:write.public, no usergroups:read.
    slack.api.ctx.scopes = tuple(s for s in bot_scopes() if s not in ("chat:write.public", "usergroups:read"))
    result = await run_duban("doctor", env=operator_env(slack, migrated_sqlite), cwd=workdir)
    assert result.code == 1
    assert set(failing(result)) == {"Slack scopes (权限)"}
    line = failing(result)["Slack scopes (权限)"]
    assert "missing chat:write.public, usergroups:read" in line and "reinstall" in line


async def test_the_bot_outside_the_bulletin_channel_fails(
    slack: SlackEmulator, migrated_sqlite: str, workdir: Path
) -> None:
    slack.state.channels["C0BULLETIN"].members.remove(slack.state.bot_user_id)
    result = await run_duban("doctor", env=operator_env(slack, migrated_sqlite), cwd=workdir)
    assert result.code == 1
    line = failing(result)["bulletin channel (通报频道)"]
    assert "the bot is not a member of #duban-bulletin" in line and "/invite @duban" in line


async def test_an_unmigrated_database_fails(slack: SlackEmulator, empty_db_url: str, workdir: Path) -> None:
    if empty_db_url.startswith("sqlite"):
        sqlite3.connect(make_url(empty_db_url).database or "").close()  # exists, but has no tables
    result = await run_duban("doctor", env=operator_env(slack, empty_db_url), cwd=workdir)
    assert result.code == 1, result.stdout
    line = failing(result)["database (数据库)"]
    assert "not migrated (at no migration" in line and "duban migrate" in line


async def test_a_missing_sqlite_file_fails_without_creating_it(slack: SlackEmulator, workdir: Path) -> None:
    path = workdir / "nowhere.db"
    result = await run_duban("doctor", env=operator_env(slack, f"sqlite+aiosqlite:///{path}"), cwd=workdir)
    assert result.code == 1
    assert "does not exist" in failing(result)["database (数据库)"]
    assert not path.exists()


async def test_an_organisation_file_listing_a_person_twice_fails(
    slack: SlackEmulator, migrated_sqlite: str, workdir: Path
) -> None:
    org = workdir / "org.toml"
    org.write_text(
        '[[department]]\ncode = "fgk"\nname = "发展改革科"\nhead = "U0HEADB"\n'
        'members = ["U0HEADB", "U0STAFFB"]\n\n'
        '[[department]]\ncode = "bgs"\nname = "办公室"\nhead = "U0HEADA"\n'
        'members = ["U0HEADA", "U0STAFFB"]\n',
        encoding="utf-8",
    )
    result = await run_duban(
        "doctor", env=operator_env(slack, migrated_sqlite, DUBAN_ORG_FILE=str(org)), cwd=workdir
    )
    assert result.code == 1
    line = failing(result)["organisation file (组织架构)"]
    assert "department 'bgs': field members: U0STAFFB is also in department 'fgk'" in line
