"""The unit tier: the pure core, no I/O. Loads the property budget (``tests.properties``)."""

import tests.properties  # noqa: F401  (registers and, in the fast tier, loads the quick profile)
