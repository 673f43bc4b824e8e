"""Write transactions on one SQLite database take turns in order, within a process and across processes.

SQLite has one writer at a time, and a connection that finds the database locked polls (sleeping 1, 2, 5,
… up to 100 ms between tries): under a burst one transaction can lose many rounds in a row. Inside a
process an asyncio FIFO lock makes them queue instead. With ``DUBAN_WORKERS`` > 1 several processes write
to the same file, so the turn also takes an exclusive ``flock`` on a sidecar file (``<database>-turn``):
the kernel wakes the next waiter the moment it is released, with no polling. The sidecar, not the
database file: SQLite holds POSIX locks on the database, and closing any other descriptor of that file
would drop them.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from pathlib import Path


class SqliteTurn:
    """One per database per process: ``async with turn.taken():`` around a write transaction."""

    def __init__(self, database: str | None) -> None:
        self._local = asyncio.Lock()
        self._path = Path(f"{database}-turn") if database else None
        self._fd: int | None = None
        self._pid = 0

    @contextlib.asynccontextmanager
    async def taken(self) -> AsyncIterator[None]:
        async with self._local:
            fd = self._descriptor()
            if fd is None:
                yield
                return
            await _lock(fd)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int | None:
        """The sidecar's descriptor, opened once per process (a forked worker opens its own: a lock
        taken through an inherited descriptor would be shared with the supervisor's other children)."""
        if self._path is None:
            return None
        if self._fd is None or self._pid != os.getpid():
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:  # a read-only directory: the turn stays process-local
                self._path = None
                return None
            self._pid = os.getpid()
        return self._fd


async def _lock(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: no thread needed
        return
    except BlockingIOError:
        pass
    waiting = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
    try:
        await asyncio.shield(waiting)
    except asyncio.CancelledError:
        # The thread cannot be stopped: once it has the lock, give it back.
        waiting.add_done_callback(lambda done: done.exception() or fcntl.flock(fd, fcntl.LOCK_UN))
        raise
