"""``duban serve`` with ``DUBAN_WORKERS`` > 1: a supervisor and that many worker processes on one port.

One Python process runs on one core: under a burst its event loop is the bottleneck long before the
database is (docs/performance.md). Each worker is a whole ``duban serve`` — bolt, the services, its own
connection pool — bound to ``$PORT`` with ``SO_REUSEPORT``, so the kernel spreads new connections over
them. Only worker 0 runs the scheduler (the sweep and the outbox dispatcher): every schedule is in the
database, so any worker would do, and one keeps SQLite's single writer free of background contention.

The supervisor migrates the database once, imports the application before forking (the workers share
those pages), starts a worker again when one dies, stops everything on a configuration or token error
(exit codes 2 and 3: a restart cannot help), and passes SIGTERM / SIGINT on for a clean shutdown. A
worker dies with its supervisor (``PR_SET_PDEATHSIG``), so a killed supervisor leaves no port held.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Callable

log = logging.getLogger("duban")

RESTART_DELAY_S = 1.0
# Exit codes of `duban serve` that no restart can cure: configuration error, Slack token refused.
FATAL_EXIT_CODES = frozenset({2, 3})
_PR_SET_PDEATHSIG = 1


def supervise(count: int, run_worker: Callable[[int], int], *, restart_delay: float = RESTART_DELAY_S) -> int:
    """Fork ``count`` workers running ``run_worker(index)`` and keep them running until SIGTERM/SIGINT.

    Returns 0 after a requested stop, or the fatal exit code a worker stopped with."""
    supervisor_pid = os.getpid()
    children: dict[int, int] = {}  # pid -> worker index
    stopping = False

    def spawn(index: int) -> None:
        gc.freeze()  # the parent's objects stay out of the children's collections: fewer pages copied
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _die_with(supervisor_pid)
            code = 1
            try:
                code = run_worker(index)
            except BaseException:  # the worker's own handlers have reported what they could
                log.exception("worker %d failed", index)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = index

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for index in range(count):
        spawn(index)
    log.info("Duban supervisor %d started %d workers", supervisor_pid, count)
    exit_code = 0
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        index = children.pop(pid, None)
        if index is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        if stopping:
            continue
        if code in FATAL_EXIT_CODES:
            exit_code = code
            stop()
            continue
        log.warning("worker %d (pid %d) ended with %s; starting it again", index, pid, code)
        time.sleep(restart_delay)
        if not stopping:
            spawn(index)
    return exit_code


def _die_with(parent_pid: int) -> None:
    """Ask Linux to send us SIGTERM when the supervisor dies; elsewhere this is a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # it died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has just ended on its own
        os.kill(pid, sig)
