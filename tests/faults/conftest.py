"""Faults injected into the emulated Slack (and the database taken away) with the whole bot running.

``world`` is the end-to-end harness of tests/e2e; ``checks.nothing_lost`` is the check every fault test ends
with.
"""

from tests.e2e.conftest import world  # noqa: F401  (the fixture, shared with this package)
