"""Where configuration comes from (.env in the working directory only) and the manifest in the package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.manifest import bot_scopes, load_manifest, render
from bot.settings import dotenv_path, load_settings

JUNK = "SLACK_API_URL=not-a-url\nPORT=eighty\nDUBAN_TIMEZONE=Nowhere/Land\n"


def test_the_test_run_never_reads_a_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/conftest.py turns .env reading off for the whole run, so a developer's junk .env (in the
    # repository, or wherever pytest is started) cannot change or break a test.
    (tmp_path / ".env").write_text(JUNK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert os.environ["DUBAN_DOTENV"] == "0"
    assert dotenv_path() is None
    load_settings()  # would raise on the junk if it were read
    assert os.environ.get("SLACK_API_URL") != "not-a-url"


def test_the_dotenv_is_the_working_directorys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_DOTENV", "1")
    monkeypatch.chdir(tmp_path)
    assert dotenv_path() is None  # none here; never the one beside the code
    (tmp_path / ".env").write_text("DUBAN_LOCALE=en\n", encoding="utf-8")
    assert dotenv_path() == tmp_path / ".env"


def test_the_manifest_ships_in_the_package_with_what_the_features_need() -> None:
    scopes = set(bot_scopes())
    assert {"chat:write", "chat:write.public", "users:read", "usergroups:read", "files:write"} <= scopes
    assert {"channels:history", "groups:history", "im:history", "files:read", "commands"} <= scopes
    shortcuts = load_manifest()["features"]["shortcuts"]
    assert [s["callback_id"] for s in shortcuts if s["type"] == "message"] == ["duban_message"]


def test_the_manifest_renders_for_http_and_for_socket_mode() -> None:
    http = render("https://duban.gov.example/")
    assert "https://duban.gov.example/slack/events" in http and "duban.example.org" not in http
    socket = render(socket=True)
    assert "socket_mode_enabled: true" in socket and "request_url" not in socket and "url:" not in socket
