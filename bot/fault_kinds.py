"""Which failures are the database being unreachable, and which are a Slack trigger that ran out.

Handlers may not import SQLAlchemy or storage, not even through this module: SQLAlchemy's errors are
recognised by the name and module of their classes.
"""

from __future__ import annotations

import sqlite3

import aiohttp
from slack_sdk.errors import SlackApiError

TRIGGER_ERRORS = frozenset({"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"})
_DB_ERRORS = (
    sqlite3.OperationalError,
    ConnectionError,  # refused or reset while connecting (asyncpg raises the OS error itself)
)
# sqlalchemy.exc classes and their subclasses (TimeoutError: the pool never handed out a connection).
_SQLALCHEMY_ERRORS = frozenset({"OperationalError", "InterfaceError", "DisconnectionError", "TimeoutError"})


def _sqlalchemy_kinds(error: BaseException) -> set[str]:
    """The names of the sqlalchemy.exc classes ``error`` is an instance of."""
    return {k.__name__ for k in type(error).__mro__ if k.__module__.startswith("sqlalchemy.")}


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 16:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def is_database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (not a bug in a query)."""
    for cause in _chain(error):
        if isinstance(cause, aiohttp.ClientError | SlackApiError):
            return False  # Slack's network trouble, not the database's
        kinds = _sqlalchemy_kinds(cause)
        if "DBAPIError" in kinds and getattr(cause, "connection_invalidated", False):
            return True
        if kinds & _SQLALCHEMY_ERRORS or isinstance(cause, _DB_ERRORS):
            return True
        if type(cause).__module__.startswith("asyncpg") and "Connection" in type(cause).__name__:
            return True  # asyncpg's ConnectionDoesNotExistError and friends
    return False


def is_trigger_expired(error: BaseException) -> bool:
    """views.open / views.push refused because the click's trigger_id is too old or already used."""
    if not isinstance(error, SlackApiError):
        return False
    data = error.response.data if isinstance(error.response.data, dict) else {}
    return data.get("error") in TRIGGER_ERRORS
