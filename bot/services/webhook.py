"""The optional outside channel: escalations POST a signed JSON body (e.g. to an SMS or voice gateway)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from bot.domain.items import Item

SIGNATURE_HEADER = "X-Duban-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_payload(url: str, secret: str, item: Item, rung: str, now: datetime) -> dict[str, Any]:
    """An outbox payload: the dispatcher POSTs ``body`` to ``url`` with ``headers``."""
    body = {
        "event": rung,
        "item": str(item.number),
        "title": "confidential item" if item.confidential else item.title,
        "lead_owner": item.lead.user_id,
        "deadline": item.current_due.isoformat(),
        "original_deadline": item.original_due.isoformat(),
        "at": now.isoformat(),
    }
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    return {
        "url": url,
        "body": raw.decode(),
        "headers": {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, raw)},
    }
