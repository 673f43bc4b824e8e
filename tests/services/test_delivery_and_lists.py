"""A send Slack refused for good (DeliveryService) and the unit filter of lists, on the fakes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.domain.errors import DomainError
from bot.domain.events import EventKind
from bot.domain.list_filter import ListFilter
from bot.services.delivery import DeliveryService
from tests.services.conftest import LI, OFFICE, ZHANG, Office


@dataclass
class RefusedSend:
    """What the outbox hands the services about a call Slack refused (the ``QueuedSend`` port)."""

    id: int
    idem_key: str
    item_id: int | None
    recipient_id: str | None
    method: str = "chat.postMessage"
    purpose: str | None = "notice"
    payload: dict[str, Any] = field(default_factory=dict)


async def test_a_refused_notice_goes_into_the_dossier_and_the_office_is_told_once(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    delivery = DeliveryService(office.services.ctx)
    for row_id, key in ((1, "notice"), (2, "urge:7")):  # two messages to the same gone account
        send = RefusedSend(row_id, f"{key}:{item.id}:{ZHANG}", item.id, ZHANG, payload={"channel": ZHANG})
        await delivery.record_failure(send, "account_inactive")

    failed = [e for e in office.tables.events[item.id] if e.kind is EventKind.DELIVERY_FAILED]
    assert [(e.payload["user"], e.payload["error"]) for e in failed] == [(ZHANG, "account_inactive")] * 2
    assert [c.recipient_id for c in office.sent("delivery_failed")] == [OFFICE]


async def test_a_failed_failure_report_starts_no_chain(office: Office) -> None:
    send = RefusedSend(2, "delivery_failed:x", None, LI, purpose="delivery_failed")
    await DeliveryService(office.services.ctx).record_failure(send, "channel_not_found")
    assert office.sent("delivery_failed") == []


async def test_a_list_by_unit_knows_only_existing_departments(office: Office) -> None:
    await office.assign(lead=ZHANG, title="Finance item")
    await office.assign(lead="U_WANG", title="Elsewhere")
    found = await office.services.items.list_items(OFFICE, "all", filter=ListFilter(unit="Finance"))
    assert [d.item.title for d in found.items] == ["Finance item"]

    with pytest.raises(DomainError) as refused:
        await office.services.items.list_items(LI, "all", filter=ListFilter(unit="Nowhere"))
    assert refused.value.code == "unknown_unit"
    assert refused.value.params == {"name": "Nowhere"}
