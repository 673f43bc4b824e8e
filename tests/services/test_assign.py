"""立项登记 + 交办 on the fakes: who may assign, what is refused, what is written and who is told."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.domain.commands import UserRef
from bot.domain.errors import DomainError, DuplicateRequest, PermissionDenied
from bot.domain.events import EventKind
from bot.domain.items import SourceKind
from bot.services.assign import AssignRequest
from tests.services.conftest import (
    HEAD,
    LEADER,
    LI,
    OFFICE,
    WANG,
    ZHANG,
    Office,
    make_office,
    office_settings,
)


async def test_an_issued_item_tells_every_owner_and_opens_its_dossier(office: Office) -> None:
    result = await office.assign(lead=ZHANG, co=[LI], title="Repair the bridge")

    item = office.item(result.item.id)
    assert item.state == "issued"
    assert str(item.number) == "DB-2026-0001"
    assert [o.user_id for o in item.owners] == [ZHANG, LI]
    assert office.events(item.id) == [
        EventKind.REGISTERED,
        EventKind.ISSUED,
        EventKind.NOTICE_SENT,  # the dossier records each notice sent, to whom
        EventKind.NOTICE_SENT,
    ]
    assert office.recipients("notice") == {ZHANG, LI}
    assert item.next_urge_at == office.clock.now()  # the next urging sweep plans the ladder


async def test_numbers_follow_each_other_within_the_year(office: Office) -> None:
    first = await office.assign(title="One")
    second = await office.assign(title="Two")
    assert (str(first.item.number), str(second.item.number)) == ("DB-2026-0001", "DB-2026-0002")


async def test_an_owner_without_a_role_may_not_assign_and_nothing_is_written(office: Office) -> None:
    with pytest.raises(PermissionDenied):
        await office.assign(actor=ZHANG, lead=LI)
    assert office.tables.items == {}
    assert office.sent("notice") == []


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"title": "   "}, "empty_title", "title"),
        ({"title": "x" * 201}, "title_too_long", "title"),
        ({"due_date": date(2026, 11, 1)}, "date_in_past", "due"),
        ({"co": [ZHANG]}, "duplicate_owner", "co"),
        ({"cadence": "whenever"}, None, "cadence"),
    ],
)
async def test_bad_input_is_refused_on_its_field(
    office: Office, fields: dict, code: str | None, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        await office.assign(**fields)
    assert refused.value.field == field
    if code is not None:
        assert refused.value.code == code
    assert office.tables.items == {}


async def test_a_source_needing_approval_goes_to_the_leaders_first() -> None:
    office = await make_office(office_settings(approval_sources=("complaint",)))
    result = await office.assign(source=SourceKind.COMPLAINT)

    item = office.item(result.item.id)
    assert item.state == "pending_approval"
    assert office.recipients("proposal") == {LEADER}
    assert office.sent("notice") == []  # the owners hear nothing before the leader approves
    assert office.events(item.id) == [EventKind.REGISTERED, EventKind.STATE_CHANGED]


async def test_a_leader_assigning_such_a_source_issues_it_at_once() -> None:
    office = await make_office(office_settings(approval_sources=("complaint",)))
    result = await office.assign(actor=LEADER, source=SourceKind.COMPLAINT)
    assert office.item(result.item.id).state == "issued"
    assert office.sent("proposal") == []


async def test_a_replayed_request_answers_with_the_first_item(office: Office) -> None:
    request = AssignRequest(lead=UserRef(user_id=ZHANG), title="Once", due_date=date(2026, 12, 18))
    first = await office.services.assign.assign(OFFICE, request, request_key="req-1")
    again = await office.services.assign.assign(OFFICE, request, request_key="req-1")

    assert (first.created, again.created) == (True, False)
    assert again.item.id == first.item.id
    assert len(office.tables.items) == 1
    assert len(office.sent("notice")) == 1


async def test_a_request_racing_itself_is_answered_with_the_item_the_first_one_made(office: Office) -> None:
    request = AssignRequest(lead=UserRef(user_id=ZHANG), title="Raced", due_date=date(2026, 12, 18))
    first = await office.services.assign.assign(OFFICE, request, request_key="req-race")
    # The second one's look-ups ran before the first one's insert was visible: storage refuses the
    # duplicate key (DuplicateRequest), and the service answers with the item that exists.
    office.units.db.unseen_request_keys = 1  # its one look-up before the write
    again = await office.services.assign.assign(OFFICE, request, request_key="req-race")

    assert again.created is False and again.item.id == first.item.id
    assert len(office.tables.items) == 1


async def test_storage_refuses_a_duplicate_request_key_with_a_domain_error(office: Office) -> None:
    first = await office.services.assign.assign(
        OFFICE,
        AssignRequest(lead=UserRef(user_id=ZHANG), title="A", due_date=date(2026, 12, 18)),
        request_key="k",
    )
    with pytest.raises(DuplicateRequest):
        async with office.services.ctx.uow() as uow:
            await uow.items.add(replace(first.item, id=None), request_key="k", now=office.clock.now())


async def test_a_confidential_item_reaches_the_department_head_only_redacted(office: Office) -> None:
    """The owners read the title; nobody else is sent it."""
    result = await office.assign(lead=ZHANG, title="Secret audit", confidential=True)
    assert office.item(result.item.id).confidential
    for call in office.tables.outbox:
        if call.recipient_id not in (ZHANG, OFFICE):
            assert "Secret audit" not in str(call.payload), call.recipient_id
    assert "Secret audit" in str(office.sent("notice", to=ZHANG)[0].payload)
    assert HEAD not in office.recipients("notice") and WANG not in office.recipients("notice")
