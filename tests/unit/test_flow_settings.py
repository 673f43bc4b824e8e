"""Issue 12 leftovers: the follow-through limits, bulletin sign-off and approval levels are settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_flow_defaults() -> None:
    settings = load_settings({"DUBAN_LEADERS": "U0LEADER,U0DEPUTY"})
    assert (settings.decide_workdays, settings.ack_workdays, settings.progress_workdays) == (1, 1, 5)
    assert settings.bulletin_signoff is False and settings.approval_levels == 1
    assert settings.principal == "U0LEADER"  # the first leader unless named
    assert load_settings({}).principal is None


def test_flow_values_are_read() -> None:
    settings = load_settings(
        {
            "DUBAN_DECIDE_WORKDAYS": "2",
            "DUBAN_ACK_WORKDAYS": "3",
            "DUBAN_PROGRESS_WORKDAYS": "10",
            "DUBAN_BULLETIN_SIGNOFF": "1",
            "DUBAN_APPROVAL_LEVELS": "2",
            "DUBAN_PRINCIPAL_LEADER": "U0BOSS",
            "DUBAN_LEADERS": "U0LEADER",
        }
    )
    assert (settings.decide_workdays, settings.ack_workdays, settings.progress_workdays) == (2, 3, 10)
    assert settings.bulletin_signoff and settings.approval_levels == 2 and settings.principal == "U0BOSS"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DUBAN_APPROVAL_LEVELS", "3"),
        ("DUBAN_BULLETIN_SIGNOFF", "maybe"),
        ("DUBAN_PRINCIPAL_LEADER", "boss"),
        ("DUBAN_PROGRESS_WORKDAYS", "-1"),
        ("DUBAN_ACK_WORKDAYS", "x"),
    ],
)
def test_flow_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


@pytest.mark.parametrize(
    "name",
    [
        "DUBAN_DECIDE_WORKDAYS",
        "DUBAN_ACK_WORKDAYS",
        "DUBAN_PROGRESS_WORKDAYS",
        "DUBAN_BULLETIN_SIGNOFF",
        "DUBAN_APPROVAL_LEVELS",
        "DUBAN_PRINCIPAL_LEADER",
    ],
)
def test_flow_settings_are_documented(name: str) -> None:
    assert f"\n{name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")
    assert name in (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")


def test_the_user_guide_says_how_often_a_bulletin_may_be_posted_by_hand() -> None:
    # Issue 12 §8: the guide said "once per period" while the bot refuses a second post the same day only.
    from messages.i18n import t

    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("### Bulletins 通报") :]
    section = section[: section.index("\n### ", 1)]
    said = {lang: t(lang, "bulletin.already_posted", kind="K", period="P", at="A") for lang in ("zh", "en")}
    assert "once a day" in said["en"] and "每天只能手动发布一次" in said["zh"]
    assert "once a day" in section and "每天" in section and "手动" in section
    assert "once per period" not in section
