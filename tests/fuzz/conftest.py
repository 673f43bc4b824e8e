"""Reuse the end-to-end world (bot + emulator on a real database)."""

from tests.e2e.conftest import world

__all__ = ["world"]
