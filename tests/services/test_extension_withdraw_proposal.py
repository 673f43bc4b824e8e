"""Extensions (延期), withdrawal (撤销) and proposals for approval (拟办呈批) on the fakes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.errors import DomainError, PermissionDenied
from bot.domain.events import EventKind
from bot.domain.items import ItemRef, SourceKind
from tests.services.conftest import ADMIN, LEADER, LI, OFFICE, ZHANG, Office, make_office, office_settings

DUE = date(2026, 12, 18)


async def test_an_owner_asks_for_more_time_and_the_office_hears_it(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, due_date=DUE)).item
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    result = await office.services.extensions.request(
        ZHANG, item.id, date(2027, 1, 8), "Waiting for the contractor", request_key="x1"
    )

    assert result.request.status == "pending"
    assert office.item(item.id).current_due == DUE  # nothing moves before a decision
    assert office.events(item.id)[-1] is EventKind.EXTENSION_REQUESTED
    assert OFFICE in office.recipients("extension")
    assert [r.answer for r in office.urges(item.id, "manual")] == ["extension"]  # it answers the urging


@pytest.mark.parametrize(
    ("actor", "new_due", "code"),
    [
        (LI, date(2027, 1, 8), "not_owner"),
        (ZHANG, DUE, "extension_not_later"),
        (ZHANG, date(2026, 12, 1), "extension_not_later"),
    ],
)
async def test_extension_requests_are_refused(office: Office, actor: str, new_due: date, code: str) -> None:
    item = (await office.assign(lead=ZHANG, due_date=DUE)).item
    with pytest.raises(DomainError) as refused:
        await office.services.extensions.request(actor, item.id, new_due, "why", request_key=None)
    assert refused.value.code == code
    assert office.tables.extensions == {}


async def test_one_request_at_a_time(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI], due_date=DUE)).item
    await office.services.extensions.request(ZHANG, item.id, date(2027, 1, 8), "why", request_key=None)
    with pytest.raises(DomainError) as refused:
        await office.services.extensions.request(LI, item.id, date(2027, 1, 15), "me too", request_key=None)
    assert refused.value.code == "extension_pending"


async def test_an_approved_extension_moves_the_deadline_but_not_the_original(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, due_date=DUE)).item
    asked = await office.services.extensions.request(
        ZHANG, item.id, date(2027, 1, 8), "why", request_key=None
    )
    with pytest.raises(PermissionDenied):
        await office.services.extensions.decide(ZHANG, asked.request.id, approve=True)
    await office.services.extensions.decide(OFFICE, asked.request.id, approve=True, note="fine")

    stored = office.item(item.id)
    assert (stored.original_due, stored.current_due) == (DUE, date(2027, 1, 8))
    decided = office.tables.extensions[asked.request.id][0]
    assert (decided.status, decided.decided_by) == ("approved", OFFICE)
    assert EventKind.EXTENSION_DECIDED in office.events(item.id)
    with pytest.raises(DomainError) as refused:
        await office.services.extensions.decide(LEADER, asked.request.id, approve=False)
    assert refused.value.code == "extension_decided"


async def test_a_refused_extension_leaves_the_deadline(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, due_date=DUE)).item
    asked = await office.services.extensions.request(
        ZHANG, item.id, date(2027, 1, 8), "why", request_key=None
    )
    await office.services.extensions.decide(LEADER, asked.request.id, approve=False, note="no")
    assert office.item(item.id).current_due == DUE
    assert office.tables.extensions[asked.request.id][0].status == "refused"


async def test_a_withdrawn_item_tells_its_owners_and_is_never_urged_again(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI])).item
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    assert any((c.purpose or "").startswith("urge:") for c in office.tables.outbox)
    result = await office.services.corrections.withdraw(OFFICE, ItemRef(item.number.seq), "Registered twice")

    stored = office.item(item.id)
    assert (stored.state, stored.next_urge_at) == ("withdrawn", None)
    assert sorted(result.told) == sorted([ZHANG, LI])
    assert office.recipients("withdrawn") == {ZHANG, LI}
    assert not any(
        (c.purpose or "").startswith("urge:") for c in office.tables.outbox
    )  # queued urgings dropped
    [withdrawn] = [e for e in office.tables.events[item.id] if e.kind is EventKind.WITHDRAWN]
    assert withdrawn.payload == {"reason": "Registered twice"}


async def test_withdrawal_needs_the_right_a_reason_and_an_unfinished_item(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    ref = ItemRef(item.number.seq)
    with pytest.raises(PermissionDenied):
        await office.services.corrections.withdraw(ZHANG, ref, "mine")
    with pytest.raises(DomainError) as refused:
        await office.services.corrections.withdraw(OFFICE, ref, "   ")
    assert refused.value.code == "withdraw_reason_missing"
    await office.services.corrections.withdraw(OFFICE, ref, "wrong")
    with pytest.raises(DomainError):
        await office.services.corrections.withdraw(OFFICE, ref, "again")
    assert office.events(item.id).count(EventKind.WITHDRAWN) == 1


async def test_an_approved_proposal_is_issued_to_the_lead_the_leader_chose() -> None:
    office = await make_office(office_settings(approval_sources=("complaint",)))
    item = (await office.assign(lead=ZHANG, source=SourceKind.COMPLAINT)).item
    with pytest.raises(PermissionDenied):
        await office.services.reports.proposals.decide(OFFICE, item.id, approve=True)
    await office.advance(timedelta(hours=1))
    await office.services.reports.proposals.decide(LEADER, item.id, approve=True, lead=LI)

    stored = office.item(item.id)
    assert (stored.state, stored.approver_id, stored.lead.user_id) == ("issued", LEADER, LI)
    assert office.recipients("notice") == {LI}
    assert office.events(item.id)[-3:] == [EventKind.STATE_CHANGED, EventKind.ISSUED, EventKind.NOTICE_SENT]
    assert OFFICE in office.recipients("proposal_outcome")


async def test_a_rejected_proposal_ends_there() -> None:
    office = await make_office(office_settings(approval_sources=("complaint",)))
    item = (await office.assign(lead=ZHANG, source=SourceKind.COMPLAINT)).item
    with pytest.raises(DomainError, match="rejection_reason_required"):  # a rejection says why
        await office.services.reports.proposals.decide(LEADER, item.id, approve=False)
    await office.services.reports.proposals.decide(LEADER, item.id, approve=False, reason="不属于督办范围")
    assert office.item(item.id).state == "rejected"
    assert office.sent("notice") == []
    assert EventKind.PROPOSAL_REJECTED in office.events(item.id)
    [reason] = [e.payload["reason"] for e in office.tables.events[item.id] if e.kind == "proposal_rejected"]
    assert reason == "不属于督办范围"


async def test_a_decision_stamps_the_proposal_copies_still_on_their_way_once_they_are_posted() -> None:
    office = await make_office(office_settings(approval_sources=("complaint",), leaders=(LEADER, ADMIN)))
    item = (await office.assign(lead=ZHANG, source=SourceKind.COMPLAINT)).item
    readers = office.recipients("proposal")
    [first, *waiting] = sorted(r for r in readers if r)
    assert waiting, "the test needs a copy still on its way"
    office.posted(item.id, "proposal", first)  # one copy is in Slack, the others are still queued

    await office.services.reports.proposals.decide(LEADER, item.id, approve=True, lead=LI)
    stamps = [c for c in office.sent() if c.method == "chat.update"]
    addressed = {c.payload["channel"]: c for c in stamps if c.payload["ts"]}
    located = {c.payload["locate_original"]["user"]: c for c in stamps if "locate_original" in c.payload}
    assert set(addressed) == {first}
    assert set(located) == set(waiting)
    assert all(c.payload["locate_original"]["purpose"] == "proposal" for c in located.values())
