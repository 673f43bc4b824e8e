"""Message builders of the notification table that need more than one call of a ``messages`` builder.

Each takes the item as the reader may read it (None for a notice not about one item), the reader and
the facts the service named, and returns the outbox payload's body.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from bot.domain.items import Item
from bot.domain.people import Person
from bot.domain.read_models import Reader
from messages import bulletins, dossier, faults, ledger, replies
from messages.i18n import t


@dataclass(slots=True)
class Assigned:
    """What ``messages.replies.assigned`` reads of an assignment (``bot.services.assign.AssignResult``)."""

    item: Item
    owners: list[Person]
    created: bool = True
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)


def assigned(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    assert item is not None
    return replies.assigned(reader, Assigned(item, data["owners"], warnings=data["warnings"]))


def dossier_upload(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    assert item is not None
    content = base64.b64encode(data["html"].encode()).decode()
    return dossier.upload_payload(str(item.number), reader.locale, reader.user_id, content)


def ledger_upload(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The ledger (台账) as .xlsx; ``data["rows"]`` already say which titles the requester may read."""
    workbook = ledger.ledger_xlsx(
        data["rows"],
        data["names"],
        reader.locale,
        zone=data["zone"],
        today=data["today"],
        registers=data.get("registers"),
    )
    content = base64.b64encode(workbook).decode()
    return ledger.upload_payload(data["label"], reader.locale, reader.user_id, content)


def bulletin(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    if "body" in data:  # a signed-off draft: published as the leader signed it
        return data["body"]
    return bulletins.bulletin_message(data["view"], reader.locale, can_see_confidential=False)


def bulletin_chart(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    if "upload" in data:  # a signed-off draft's chart, prepared with the draft
        return data["upload"]
    content = base64.b64encode(data["chart"]).decode("ascii")
    return bulletins.chart_upload(data["period"], reader.locale, reader.user_id, content)


def calendar_computed(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    return {"text": t(reader.locale, "cal.office_computed_year", year=data["year"])}


def delivery_failed(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The office's message about a send Slack refused for good (``data["problem"]``: what failed)."""
    loc, error = reader.locale, data["error"]
    if data["problem"] == "channel":
        return faults.channel_unreachable(loc, channel=data["channel"], error=error)
    if data["problem"] == "user":
        return faults.user_unreachable(loc, user_id=data["person"], number=data["number"], error=error)
    return replies.delivery_failed(loc, number=data["number"], recipient=data["recipient"], error=error)


def as_given(item: Item | None, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """A payload with nothing to render (a reaction, the webhook) or rendered by the handler."""
    return dict(data["body"])
