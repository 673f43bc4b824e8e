"""Acknowledging a notice (签收) and answering urgings on the fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import DomainError, PermissionDenied
from bot.domain.events import EventKind
from bot.domain.items import ItemRef
from bot.domain.urging import Answer
from tests.services.conftest import LEADER, LI, OFFICE, WANG, ZHANG, Office


async def test_the_lead_acknowledging_starts_the_work(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI])).item
    result = await office.services.items.acknowledge(ZHANG, item.id)

    stored = office.item(item.id)
    assert result.already is False
    assert stored.state == "in_progress"
    assert stored.owner(ZHANG).acknowledged_at == office.clock.now()
    assert stored.owner(LI).acknowledged_at is None
    assert office.events(item.id)[-2:] == [EventKind.ACKNOWLEDGED, EventKind.STATE_CHANGED]


async def test_acknowledging_twice_records_it_once(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    await office.services.items.acknowledge(ZHANG, item.id)
    await office.advance(timedelta(hours=1))
    again = await office.services.items.acknowledge(ZHANG, item.id)

    assert again.already is True
    assert office.events(item.id).count(EventKind.ACKNOWLEDGED) == 1
    assert office.item(item.id).owner(ZHANG).acknowledged_at == again.at  # the first time stands


async def test_only_an_owner_may_acknowledge(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    with pytest.raises(DomainError) as refused:
        await office.services.items.acknowledge(WANG, item.id)
    assert refused.value.code == "not_owner"
    assert EventKind.ACKNOWLEDGED not in office.events(item.id)


async def test_the_acknowledge_button_is_replaced_on_the_posted_notice(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    office.posted(item.id, "notice", ZHANG, ts="111.222")
    await office.services.items.acknowledge(ZHANG, item.id)

    [update] = [c for c in office.tables.outbox if c.method == "chat.update"]
    assert (update.payload["channel"], update.payload["ts"]) == (ZHANG, "111.222")


async def test_an_fyi_transfer_closes_when_every_owner_signed_and_the_assigner_hears_it(
    office: Office,
) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI], fyi=True)).item
    await office.services.items.acknowledge(ZHANG, item.id)
    assert office.item(item.id).state != "closed"
    assert office.sent("fyi_closed") == []

    await office.services.items.acknowledge(LI, item.id)
    assert office.item(item.id).state == "closed"
    assert office.item(item.id).completed_at == office.clock.now()
    assert office.recipients("fyi_closed") == {OFFICE}


async def test_an_urging_by_hand_goes_to_the_lead_and_counts_a_round(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI])).item
    result = await office.services.urge_actions.manual(
        LEADER, ItemRef(item.number.seq, item.number.year), "hurry"
    )

    assert result.recipients == [ZHANG]
    [record] = office.urges(item.id, "manual")
    assert record.recipient_id == ZHANG and record.note == "hurry"
    assert office.sent(f"urge:{record.id}", to=ZHANG)
    assert office.item(item.id).urge_round == 1
    assert office.events(item.id)[-1] is EventKind.URGED


async def test_urging_by_hand_is_for_leaders_and_the_office_and_not_too_often(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    with pytest.raises(PermissionDenied):
        await office.services.urge_actions.manual(LI, item.id, None)
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    await office.advance(timedelta(minutes=30))
    with pytest.raises(DomainError) as refused:
        await office.services.urge_actions.manual(OFFICE, item.id, None)
    assert refused.value.code == "urge_too_soon"
    await office.advance(timedelta(minutes=31))
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    assert len(office.urges(item.id, "manual")) == 2


async def test_the_recipient_answers_an_urging_once_and_the_item_carries_its_health(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    [record] = office.urges(item.id, "manual")
    await office.advance(timedelta(minutes=10))

    with pytest.raises(PermissionDenied):
        await office.services.urge_actions.answer(LI, record.id, Answer.ON_TRACK)
    result = await office.services.urge_actions.answer(ZHANG, record.id, Answer.AT_RISK, "rain")
    again = await office.services.urge_actions.answer(ZHANG, record.id, Answer.ON_TRACK)

    stored = office.tables.urges[record.id]
    assert (stored.answer, stored.answer_note, stored.latency_seconds) == ("at_risk", "rain", 600)
    assert result.already is False and again.already is True
    assert office.item(item.id).health == "at_risk"
    assert office.events(item.id).count(EventKind.URGE_ANSWERED) == 1


async def test_a_blocked_answer_alerts_the_overseers(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    [record] = office.urges(item.id, "manual")
    await office.services.urge_actions.answer(ZHANG, record.id, Answer.BLOCKED, "no budget")

    assert office.sent("blocked_alert")
    assert ZHANG not in office.recipients("blocked_alert")


async def test_snoozing_an_urging_asks_the_sweep_to_plan_again(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    [record] = office.urges(item.id, "manual")
    await office.services.urge_actions.answer(ZHANG, record.id, Answer.SNOOZED)

    stored = office.item(item.id)
    assert stored.urge_plan.snoozed_until == office.clock.now() + timedelta(hours=24)
    assert stored.next_urge_at == office.clock.now()


async def test_acknowledging_answers_the_reminders_to_acknowledge(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI])).item
    await office.advance(timedelta(days=1))  # Friday 10:00: Li has not signed yet
    await office.services.follow_through.sweep()
    [reminder] = office.urges(item.id, "ack")
    assert reminder.recipient_id == LI and reminder.answered_at is None

    await office.services.items.acknowledge(LI, item.id)
    assert (office.tables.urges[reminder.id].answer, office.tables.urges[reminder.id].answered_by) == (
        "acknowledged",
        LI,
    )
