"""Faults injected into the emulated Slack (and the database taken away) with the whole bot running.

``world`` is the end-to-end harness of tests/e2e and ``emulator`` the black-box tier's;
``checks.nothing_lost`` is the check every fault test ends with.
"""

from tests.e2e.conftest import world  # noqa: F401  (fixtures shared with this package)
from tests.process.conftest import emulator  # noqa: F401
