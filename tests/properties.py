"""How hard the property tests search.

``make test`` gives every property its full budget. The fast tier (``make test-services``, which sets
``DUBAN_QUICK_PROPERTIES=1``) gives each a tenth of it, at least ten examples: enough to catch a broken
property on every edit while the unit and service tiers stay under ten seconds; the full suite still
searches as widely as before.
"""

from __future__ import annotations

import os

from hypothesis import settings

QUICK = os.environ.get("DUBAN_QUICK_PROPERTIES") == "1"
QUICK_SHARE, QUICK_FLOOR = 10, 10

# Properties that do not name a budget take the profile's (hypothesis' default, 100, in full runs).
settings.register_profile("quick", max_examples=QUICK_FLOOR)
if QUICK:
    settings.load_profile("quick")


def examples(full: int) -> int:
    """The number of examples a property with a full budget of ``full`` tries in this run."""
    return max(QUICK_FLOOR, full // QUICK_SHARE) if QUICK else full
