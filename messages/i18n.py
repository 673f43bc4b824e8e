"""Localised strings (TOML catalogs) and prose templates (jinja2), one tree per locale.

``t(locale, key, **params)`` renders a catalog entry for mrkdwn (user data escaped), ``tp`` for plain_text
fields. ``render(locale, name, **ctx)`` renders ``templates/<locale>/<name>.j2``. StrictUndefined makes a
missing parameter an error in tests instead of an empty hole in a message.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from messages.text import Mrkdwn, escape, mention, plain

LOCALES = ("zh", "en")
_ROOT = Path(__file__).parent
_WEEKDAYS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def _locale(locale: str | None) -> str:
    return locale if locale in LOCALES else "zh"


@cache
def catalog(locale: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in sorted((_ROOT / "catalog" / locale).glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        _flatten(data, "", entries)
    return entries


def _flatten(data: dict[str, Any], prefix: str, into: dict[str, str]) -> None:
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, full + ".", into)
        else:
            into[full] = str(value)


def format_date(value: date, locale: str) -> str:
    weekday = _WEEKDAYS[_locale(locale)][value.weekday()]
    if locale == "en":
        return f"{value.isoformat()} ({weekday})"
    return f"{value.year}年{value.month}月{value.day}日（{weekday}）"


def format_datetime(value: datetime, locale: str, tz: str | None) -> str:
    local = value.astimezone(ZoneInfo(tz)) if tz else value
    return f"{local:%Y-%m-%d %H:%M}"


def _make_env(finalize: Any) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_ROOT / "templates")),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["mention"] = mention
    env.filters["date"] = lambda value, loc: Mrkdwn(format_date(value, loc))
    env.filters["datetime"] = lambda value, loc, tz=None: Mrkdwn(format_datetime(value, loc, tz))
    env.globals["t"] = lambda loc, key, **params: Mrkdwn(t(loc, key, **params))
    return env


_MRKDWN_ENV = _make_env(escape)
_PLAIN_ENV = _make_env(plain)


@cache
def _compiled(env_name: str, locale: str, key: str) -> Any:
    env = _MRKDWN_ENV if env_name == "mrkdwn" else _PLAIN_ENV
    source = catalog(locale).get(key)
    if source is None:
        raise KeyError(f"message {key!r} missing in locale {locale!r}")
    return env.from_string(source)


@cache
def _fixed(env_name: str, locale: str, key: str) -> str:
    """A message without parameters renders the same every time (button labels): render it once."""
    return str(_compiled(env_name, locale, key).render())


def t(locale: str | None, key: str, **params: Any) -> str:
    """A catalog message as mrkdwn: parameters escaped unless they are :class:`Mrkdwn`."""
    if not params:
        return _fixed("mrkdwn", _locale(locale), key)
    return _compiled("mrkdwn", _locale(locale), key).render(**params)


def tp(locale: str | None, key: str, **params: Any) -> str:
    """A catalog message for a plain_text field (buttons, headers, modal labels)."""
    if not params:
        return _fixed("plain", _locale(locale), key)
    return _compiled("plain", _locale(locale), key).render(**params)


def has(locale: str | None, key: str) -> bool:
    return key in catalog(_locale(locale))


def render(locale: str | None, name: str, **context: Any) -> str:
    """A prose template ``templates/<locale>/<name>.j2`` as mrkdwn."""
    loc = _locale(locale)
    return _MRKDWN_ENV.get_template(f"{loc}/{name}.j2").render(locale=loc, **context).strip()
