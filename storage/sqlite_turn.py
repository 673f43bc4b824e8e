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
        self._queued = 0  # writers of this process waiting for the local lock
        self._held = False  # this process holds the file lock
        # A blocking flock() running in a thread. A writer cancelled while waiting leaves it here: the next
        # writer adopts the lock it brings, or, with nobody left, it is given back once acquired.
        self._pending: asyncio.Future[None] | None = None

    @contextlib.asynccontextmanager
    async def taken(self) -> AsyncIterator[None]:
        self._queued += 1
        try:
            await self._local.acquire()
        except BaseException:  # cancelled while queued
            self._queued -= 1
            if not self._queued and not self._local.locked():
                self._let_go()  # a lock a cancelled writer's thread took has nobody left to adopt it
            raise
        self._queued -= 1
        try:
            fd = self._descriptor()
            if fd is not None and not self._held:
                await self._lock(fd)
            yield
        finally:
            # Always handed on, even with writers of ours queued: keeping it for a streak of local turns
            # was measured slower (the other worker's writers then wait while its core idles).
            self._let_go()
            self._local.release()

    async def _lock(self, fd: int) -> None:
        if self._pending is None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: no thread needed
            except BlockingIOError:
                pending = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
                pending.add_done_callback(self._acquired_late)
                self._pending = pending
            else:
                self._held = True
                return
        await asyncio.shield(self._pending)  # the thread cannot be stopped: a cancel leaves it pending
        self._pending = None
        self._held = True

    def _acquired_late(self, done: asyncio.Future[None]) -> None:
        """The thread's flock() returned after the writer who started it was cancelled, and no other
        writer of this process is there to adopt it: give it back."""
        if done is not self._pending or self._queued or self._local.locked():
            return  # adopted, or someone here will adopt it
        self._give_back(done)

    def _let_go(self) -> None:
        if self._fd is None:
            return
        if self._held:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._held = False
        if self._pending is not None and self._pending.done() and not self._queued:
            self._give_back(self._pending)

    def _give_back(self, done: asyncio.Future[None]) -> None:
        self._pending = None
        if not done.cancelled() and done.exception() is None and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

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
            self._pid, self._held, self._pending = os.getpid(), False, None
        return self._fd
