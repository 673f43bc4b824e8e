"""aiosqlite with one thread hop per statement instead of four.

aiosqlite runs each sqlite3 call on the connection's own thread and wakes the event loop when it is done.
SQLAlchemy's adapter makes four such calls per statement (open a cursor, execute, fetch all, close), and
another for the ROLLBACK the pool issues when a connection comes back even if no transaction is open;
each hop costs the event loop a wake-up (profile in docs/performance.md). Here a statement is one call
that executes, fetches every row and closes the cursor on the connection's thread; the cursor hands out
the buffered rows without another hop; COMMIT and ROLLBACK outside a transaction return at once (sqlite3
would do nothing either: it checks the same autocommit flag first).

Buffering every row is what SQLAlchemy's aiosqlite adapter does already for ordinary cursors.

A small read-only transaction (``inline``: a request's few indexed reads, see ``storage.uow.read_only``)
runs on the event loop's own thread instead, BEGIN to ROLLBACK: a WAL reader takes no lock it could wait
for, the statements take tens of microseconds, and a hop to the connection's thread and back costs more
than that under load: with 50 requests in flight every hop's result had to win the GIL back from the
loop (several hops a request); `list mine` at c=50 went from 113/s, p99 990 ms to 174/s, p99 352 ms
(docs/performance.md). A write transaction hops for BEGIN IMMEDIATE (it may wait for another process's
write lock) and for COMMIT/ROLLBACK (a commit may checkpoint the WAL, with an fsync); the statements in
between run here: holding the write lock, none of them can wait for a lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite

# A statement of a small read that runs longer than this on the loop's thread is interrupted there and run
# again on the connection's thread (a `list all` over 100,000 items takes ~270 ms: the loop must not wait).
INLINE_BUDGET_S = 0.005
_PROGRESS_STEPS = 1000  # SQLite virtual-machine steps between two looks at the clock


class _TooLong(Exception):
    """An inline read statement went past INLINE_BUDGET_S and was interrupted (it changed nothing)."""


def _within_budget(conn: sqlite3.Connection, fn: Callable[..., _Outcome], *args: Any) -> _Outcome:
    deadline = time.perf_counter() + INLINE_BUDGET_S
    conn.set_progress_handler(lambda: time.perf_counter() > deadline, _PROGRESS_STEPS)
    try:
        return fn(conn, *args)
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error) and time.perf_counter() > deadline:
            raise _TooLong from error
        raise
    finally:
        conn.set_progress_handler(None, _PROGRESS_STEPS)


_Outcome = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


def _run(conn: sqlite3.Connection, sql: str, params: Any) -> _Outcome:
    cursor = conn.cursor()
    try:
        if params is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _run_many(conn: sqlite3.Connection, sql: str, seq: Iterable[Any]) -> _Outcome:
    cursor = conn.cursor()
    try:
        cursor.executemany(sql, seq)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


class _Busy(Exception):
    """BEGIN IMMEDIATE found the write lock taken (by another process) and did not wait for it."""


def _without_waiting(
    conn: sqlite3.Connection, busy_ms: int, fn: Callable[..., _Outcome], *args: Any
) -> _Outcome:
    conn.execute("PRAGMA busy_timeout=0")
    try:
        return fn(conn, *args)
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise _Busy from error
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout={busy_ms}")


class BufferedCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy uses; rows arrive with the execute."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> BufferedCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _take(self, outcome: _Outcome) -> BufferedCursor:
        self.description, self.rowcount, self.lastrowid, rows = outcome
        self._rows = deque(rows)
        return self

    async def execute(self, sql: str, parameters: Any = None) -> BufferedCursor:
        return self._take(await self._connection.call(_run, sql, parameters))

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> BufferedCursor:
        return self._take(await self._connection.call(_run_many, sql, parameters))

    async def fetchall(self) -> list[Any]:
        rows, self._rows = list(self._rows), deque()
        return rows

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = size or self.arraysize
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def close(self) -> None:
        self._rows = deque()


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors cost one hop per statement."""

    # Set by storage.db when a small read-only transaction begins, or once a write transaction holds the
    # write lock (BEGIN IMMEDIATE, which may wait for another process, went to the thread); COMMIT or
    # ROLLBACK clears it. ``hop_end``: the write's COMMIT (it may checkpoint the WAL, with an fsync) and
    # ROLLBACK still go to the connection's thread.
    inline = False
    hop_end = False
    # Set for a write's BEGIN IMMEDIATE: try it here without waiting. Our writers take turns before
    # beginning (storage.sqlite_turn, across workers too), so the lock is free unless another program
    # holds it; only then does BEGIN go to the thread and wait there (busy_timeout).
    begin_here = False
    busy_ms = 0

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(sqlite3_connection, *args)`` on the connection's thread (on this one when ``inline``)."""
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        if self.begin_here:
            self.begin_here = False
            try:
                return _without_waiting(self._connection, self.busy_ms, fn, *args)
            except _Busy:
                pass
        if self.inline and self.hop_end:
            # A write holding the lock is never interrupted: that would roll the whole transaction back.
            return fn(self._connection, *args)
        if self.inline:
            try:
                return _within_budget(self._connection, fn, *args)
            except _TooLong:
                # A SELECT interrupted leaves the read transaction and its snapshot as they were: the
                # rest of this transaction, this statement first, goes to the connection's thread.
                self.inline = False
        future = asyncio.get_running_loop().create_future()
        self._tx.put_nowait((future, partial(fn, self._connection, *args)))
        return await future

    def cursor(self) -> Any:  # type: ignore[override]
        return BufferedCursor(self)

    async def commit(self) -> None:
        if self.inline and not self.hop_end:
            self.inline = False
            if self._connection is not None:
                self._connection.commit()
            return
        self.inline = self.hop_end = False
        if self._connection is not None and self._connection.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self.inline and not self.hop_end:
            self.inline = False
            if self._connection is not None:
                self._connection.rollback()
            return
        self.inline = self.hop_end = False
        if self._connection is not None and self._connection.in_transaction:
            await super().rollback()


def connector(args: Sequence[Any], kwargs: dict[str, Any]) -> Callable[[], Any]:
    """An ``async_creator`` for SQLAlchemy: a started OneHopConnection to
    ``sqlite3.connect(*args, **kwargs)``."""

    async def create() -> OneHopConnection:
        connection = OneHopConnection(partial(sqlite3.connect, *args, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return await connection

    return create
