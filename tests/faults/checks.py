"""What every fault test checks at the end: nothing lost, nothing doubled."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from storage.models import OutboxRow
from tests.e2e.conftest import World


def posted_keys(world: World) -> Counter[str]:
    """How many messages in the emulated workspace carry each outbox key (their Slack metadata)."""
    keys: Counter[str] = Counter()
    for messages in world.slack.state.messages.values():
        for message in messages:
            payload = (message.metadata or {}).get("event_payload") or {}
            if isinstance(payload.get("duban_key"), str):
                keys[payload["duban_key"]] += 1
    return keys


async def nothing_lost(world: World) -> list[OutboxRow]:
    """Every outbox row is settled (sent or failed with its reason), every sent message is in Slack exactly
    once, no failed one is; returns the rows for further checks."""
    rows = await world.rows(select(OutboxRow).order_by(OutboxRow.id))
    unsettled = [(r.idem_key, r.status) for r in rows if r.status not in ("sent", "failed")]
    assert not unsettled, f"rows still waiting: {unsettled}"
    assert all(r.last_error for r in rows if r.status == "failed")
    keys = posted_keys(world)
    posts = [r for r in rows if r.method == "chat.postMessage"]
    assert {r.idem_key: keys[r.idem_key] for r in posts} == {
        r.idem_key: 1 if r.status == "sent" else 0 for r in posts
    }
    assert len({r.idem_key for r in rows}) == len(rows)
    return rows
