import pytest

from bot.settings import DEFAULT_API_URL, SettingsError, load_settings


def test_defaults_need_nothing() -> None:
    settings = load_settings({})
    assert settings.api_url == DEFAULT_API_URL
    assert settings.database_url == "sqlite+aiosqlite:///duban.db"
    assert (settings.timezone, settings.locale, settings.port, settings.sweep_seconds) == (
        "Asia/Shanghai",
        "zh",
        3000,
        60,
    )


def test_values_are_read_and_normalised() -> None:
    settings = load_settings(
        {
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "DUBAN_LEADERS": "U0LEADER, U0DEPUTY",
            "DUBAN_LOCALE": "en",
            "PORT": "8080",
            "DUBAN_BULLETIN_CHANNEL": "C0BULLETIN",
        }
    )
    assert settings.api_url == "http://127.0.0.1:9/api/"
    assert settings.leaders == ("U0LEADER", "U0DEPUTY")
    assert settings.port == 8080


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("DUBAN_TIMEZONE", "Mars/Olympus"),
        ("DUBAN_LOCALE", "fr"),
        ("DUBAN_LEADERS", "wang"),
        ("DATABASE_URL", "mysql://x"),
        ("DUBAN_SWEEP_SECONDS", "0"),
        ("DUBAN_WORKERS", "0"),
        ("DUBAN_WORKERS", "two"),
        ("DUBAN_BULLETIN_CHANNEL", "#general"),
        ("SLACK_API_URL", "slack.com/api"),
    ],
)
def test_a_malformed_setting_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})
