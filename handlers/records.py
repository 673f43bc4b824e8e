"""Bulletins (通报), App Home, the dossier archive (归档) and the ledger export (台账)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    return None
