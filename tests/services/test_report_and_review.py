"""Reports (反馈) and the office's review (审核: approve or return for redo) on the fakes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from bot.domain.events import EventKind
from bot.domain.items import Item, ItemRef
from bot.domain.reports import CHECKLIST, ReportInput, ReviewInput
from tests.services.conftest import LEADER, LI, OFFICE, WANG, ZHANG, Office

FINAL = ReportInput("final", "100", "on_track", done="Bridge repaired")
PROGRESS = ReportInput("progress", "40", "at_risk", done="Half the piers")
APPROVE = ReviewInput("approve", frozenset(CHECKLIST))


async def reported(office: Office, lead: str = ZHANG, **fields: object) -> Item:
    """An item whose lead has sent the final report."""
    item = (await office.assign(lead=lead, **fields)).item
    await office.services.items.acknowledge(lead, item.id)
    await office.services.reports.submit_report(lead, item.id, FINAL, request_key=None)
    return office.item(item.id)


async def test_a_progress_report_keeps_the_item_in_progress_and_records_its_figures(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    await office.services.reports.submit_report(ZHANG, item.id, PROGRESS, request_key="r1")

    stored = office.item(item.id)
    assert stored.state == "in_progress"
    assert (stored.percent_done, stored.health) == (40, "at_risk")
    assert office.events(item.id)[-2:] == [EventKind.PROGRESS_REPORTED, EventKind.STATE_CHANGED]
    assert office.recipients("report_received") == {ZHANG}
    assert office.sent("review_request") == []


async def test_the_leads_final_report_waits_for_the_office_within_a_working_day(office: Office) -> None:
    item = await reported(office)

    assert item.state == "reported"
    assert item.review_due == date(2026, 11, 27)  # Thursday's report: reviewed by Friday
    assert OFFICE in office.recipients("review_request")
    [final] = [e for e in office.tables.events[item.id] if e.kind is EventKind.FINAL_REPORTED]
    assert final.payload["part"] == "lead"


async def test_a_co_owners_final_part_does_not_finish_the_item(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI])).item
    result = await office.services.reports.submit_report(LI, item.id, FINAL, request_key=None)

    assert result.co_owner is True
    assert office.item(item.id).state == "issued"
    assert office.item(item.id).percent_done is None  # the lead's figures describe the item
    assert office.sent("review_request") == []
    assert ZHANG in office.recipients("co_part_done")


async def test_a_report_answers_the_urging_waiting_for_it(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    await office.services.urge_actions.manual(OFFICE, item.id, None)
    await office.services.reports.submit_report(ZHANG, item.id, PROGRESS, request_key=None)
    [record] = office.urges(item.id, "manual")
    assert record.answer == "reported"


async def test_reports_are_refused_from_outsiders_and_for_bad_forms(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    with pytest.raises((DomainError, NotFound)):
        await office.services.reports.submit_report(WANG, item.id, PROGRESS, request_key=None)
    with pytest.raises(FieldErrors) as refused:
        await office.services.reports.submit_report(
            ZHANG, item.id, ReportInput("final", "80", ""), request_key=None
        )
    assert {e.field for e in refused.value.errors} >= {"percent", "status", "done"}
    assert office.tables.reports == {}


async def test_a_report_submitted_twice_is_stored_once(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    await office.services.reports.submit_report(ZHANG, item.id, PROGRESS, request_key="same")
    again = await office.services.reports.submit_report(ZHANG, item.id, PROGRESS, request_key="same")
    assert again.again is True
    assert len(office.tables.reports) == 1
    assert office.events(item.id).count(EventKind.PROGRESS_REPORTED) == 1


async def test_approval_completes_the_item_and_tells_owners_and_leaders(office: Office) -> None:
    item = await reported(office)
    await office.services.reports.review.review_form(OFFICE, item.id)
    assert office.item(item.id).state == "under_review"
    await office.advance(timedelta(hours=2))
    await office.services.reports.review.submit(OFFICE, item.id, APPROVE, request_key="v1")

    stored = office.item(item.id)
    assert (stored.state, stored.percent_done, stored.review_due) == ("completed", 100, None)
    assert stored.completed_at == office.clock.now()
    assert office.events(item.id)[-3:] == [EventKind.REVIEWED, EventKind.COMPLETED, EventKind.STATE_CHANGED]
    assert ZHANG in office.recipients("completed")
    assert LEADER in office.recipients("feedback")


async def test_a_return_sets_a_new_deadline_and_counts_against_the_unit(office: Office) -> None:
    item = await reported(office)
    new_due = date(2026, 12, 31)
    await office.services.reports.review.submit(
        OFFICE, item.id, ReviewInput("return", frozenset(), "Photos missing", new_due), request_key=None
    )

    stored = office.item(item.id)
    assert (stored.state, stored.return_count) == ("returned", 1)
    assert (stored.original_due, stored.current_due) == (item.original_due, new_due)
    assert stored.next_urge_at == office.clock.now()  # urging restarts on the new plan
    [returned] = [e for e in office.tables.events[item.id] if e.kind is EventKind.RETURNED]
    assert returned.payload == {"review_id": returned.payload["review_id"], "reasons": "Photos missing",
                                "new_due": "2026-12-31", "count": 1}  # fmt: skip
    assert ZHANG in office.recipients("returned")


async def test_a_return_needs_reasons_and_a_later_date(office: Office) -> None:
    item = await reported(office)
    with pytest.raises(FieldErrors) as refused:
        await office.services.reports.review.submit(
            OFFICE, item.id, ReviewInput("return", frozenset()), request_key=None
        )
    assert {e.code for e in refused.value.errors} == {"return_reasons_required", "return_due_required"}
    assert office.item(item.id).state == "reported"


async def test_only_the_office_reviews_and_never_its_own_work(office: Office) -> None:
    item = await reported(office)
    with pytest.raises(PermissionDenied):
        await office.services.reports.review.submit(ZHANG, item.id, APPROVE, request_key=None)
    own = await reported(office, lead=OFFICE)
    with pytest.raises(PermissionDenied) as refused:
        await office.services.reports.review.submit(OFFICE, own.id, APPROVE, request_key=None)
    assert refused.value.code == "own_report"


async def test_approval_waits_for_open_sub_items(office: Office) -> None:
    parent = await reported(office)
    child = (await office.assign(lead=LI, title="Child", parent=ItemRef(parent.number.seq))).item
    assert office.item(child.id).parent_id == parent.id
    with pytest.raises(DomainError) as refused:
        await office.services.reports.review.submit(OFFICE, parent.id, APPROVE, request_key=None)
    assert refused.value.code == "open_children"

    await office.services.reports.submit_report(LI, child.id, FINAL, request_key=None)
    await office.services.reports.review.submit(OFFICE, child.id, APPROVE, request_key=None)
    await office.services.reports.review.submit(OFFICE, parent.id, APPROVE, request_key=None)
    assert office.item(parent.id).state == "completed"
