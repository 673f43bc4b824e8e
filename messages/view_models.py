"""Plain data the services hand to the message builders (so messages never touch storage)."""

from __future__ import annotations

from bot.domain.read_models import ItemDetail, Reader

__all__ = ["ItemDetail", "Reader"]
