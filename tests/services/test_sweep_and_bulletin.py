"""What the clock makes due (Services.sweep): urgings, office time limits, reminders, bulletins."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.events import EventKind
from bot.domain.items import ItemRef, SourceKind
from bot.domain.reports import ReportInput
from tests.services.conftest import (
    ADMIN,
    CHANNEL,
    LEADER,
    LI,
    OFFICE,
    ZHANG,
    Office,
    make_office,
    office_settings,
)

MONDAY_10 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
THURSDAY_20 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FRIDAY_10 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SH = ZoneInfo("Asia/Shanghai")


def rungs(office: Office, item_id: int | None, user_id: str) -> list[str]:
    return [r.rung for r in office.urges(item_id) if r.recipient_id == user_id]


async def test_the_sweep_urges_up_to_the_deadline_and_asks_silent_co_owners_to_acknowledge(
    office: Office,
) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI], due_date=date(2026, 12, 4))).item
    while office.clock.now() < datetime(2026, 12, 4, 3, 0, tzinfo=UTC):
        await office.services.urging.sweep()
        await office.services.follow_through.sweep()
        await office.advance(timedelta(hours=6))

    assert "checkin" in rungs(office, item.id, ZHANG)
    assert "due" in rungs(office, item.id, ZHANG) and "due" in rungs(office, item.id, LI)
    assert "ack" in rungs(office, item.id, LI) and "ack" not in rungs(office, item.id, ZHANG)
    for record in office.urges(item.id):
        assert office.sent(f"urge:{record.id}", to=record.recipient_id), record  # every urging was sent
    assert office.item(item.id).urge_round > 0
    assert EventKind.URGED in office.events(item.id)


async def test_nothing_is_urged_twice_for_one_instant_nor_after_work(office: Office) -> None:
    item = (await office.assign(lead=ZHANG, co=[LI])).item
    office.clock.set(THURSDAY_20)
    await office.services.sweep()
    assert office.urges(item.id) == []

    office.clock.set(FRIDAY_10)
    await office.services.sweep()
    first = len(office.tables.outbox)
    assert office.urges(item.id)
    await office.services.sweep()
    assert len(office.tables.outbox) == first


async def test_withdrawn_and_fyi_items_are_never_urged(office: Office) -> None:
    withdrawn = (await office.assign(lead=ZHANG, due_date=date(2026, 12, 1))).item
    await office.services.corrections.withdraw(OFFICE, ItemRef(withdrawn.number.seq), "duplicate")
    fyi = (await office.assign(lead=ZHANG, fyi=True, due_date=date(2026, 12, 1))).item
    office.clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    await office.services.urging.sweep()

    assert office.urges(withdrawn.id) == []
    assert [r.rung for r in office.urges(fyi.id)] in ([], ["ack"])  # an FYI transfer is only to be signed
    assert office.item(fyi.id).next_urge_at is None


async def test_a_review_waiting_too_long_is_flagged_once_a_day(office: Office) -> None:
    item = (await office.assign(lead=ZHANG)).item
    final = ReportInput("final", "100", "on_track", done="Done")
    await office.services.reports.submit_report(ZHANG, item.id, final, request_key=None)
    office.clock.set(MONDAY_10)  # due by Friday, nobody reviewed it
    await office.services.reports.sweep()
    await office.advance(timedelta(hours=2))
    await office.services.reports.sweep()

    assert office.events(item.id).count(EventKind.REVIEW_OVERDUE) == 1
    assert OFFICE in office.recipients("review_overdue")


async def test_leaders_are_reminded_of_proposals_waiting_for_them() -> None:
    office = await make_office(office_settings(approval_sources=("complaint",)))
    item = (await office.assign(lead=ZHANG, source=SourceKind.COMPLAINT)).item
    office.clock.set(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    await office.services.follow_through.sweep()
    await office.services.follow_through.sweep()

    assert [c.recipient_id for c in office.sent("proposal_waiting")] == [LEADER]
    assert office.item(item.id).state == "pending_approval"


async def test_the_weekly_bulletin_is_posted_once_and_keeps_confidential_titles_out(office: Office) -> None:
    await office.assign(lead=ZHANG, title="Open roads")
    await office.assign(lead=LI, title="Secret audit", confidential=True)
    office.clock.set(MONDAY_10)
    await office.services.publications.sweep()
    await office.services.publications.sweep()

    [bulletin] = office.sent("bulletin")
    assert bulletin.payload["channel"] == CHANNEL
    assert "Secret audit" not in str(bulletin.payload)
    assert len(office.sent("bulletin_chart")) <= 1
    [(kind, _period)] = office.tables.bulletins  # Monday: last week's bulletin only
    assert kind == "week"
    assert next(iter(office.tables.bulletins.values()))["status"] == "queued"


async def test_a_bulletin_due_while_down_waits_for_the_working_morning_and_goes_out_once(
    office: Office,
) -> None:
    """The service comes back on Monday 30 November at 20:00 (the weekly bulletin fell due at 09:00):
    nothing is posted at night nor before 09:00 on Tuesday; then the sweep posts it, once."""
    await office.assign(lead=ZHANG, title="Open roads")
    for moment in ("2026-11-30T20:00", "2026-11-30T23:59", "2026-12-01T03:00", "2026-12-01T08:59"):
        office.clock.set(datetime.fromisoformat(moment).replace(tzinfo=SH))
        await office.services.sweep()
        assert office.sent("bulletin") == [], moment
    office.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SH))
    await office.services.sweep()
    await office.services.sweep()
    # Last week's and (Tuesday 1 December is November's first working day after it) November's, once each.
    assert sorted(office.tables.bulletins) == [("month", "2026-11"), ("week", "2026-W48")]
    assert len(office.sent("bulletin")) == 2


async def test_no_scheduled_bulletin_on_a_weekend(office: Office) -> None:
    await office.assign(lead=ZHANG, title="Open roads")
    office.clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=SH))  # Saturday: last week's is long due
    await office.services.sweep()
    assert office.sent("bulletin") == []
    office.clock.set(datetime(2026, 12, 7, 9, 30, tzinfo=SH))  # Monday morning: this week's turn
    await office.services.sweep()
    assert sorted(office.tables.bulletins) == [("month", "2026-11"), ("week", "2026-W49")]


async def test_a_broken_item_is_postponed_and_the_rest_of_its_batch_is_still_urged(office: Office) -> None:
    items = [(await office.assign(lead=ZHANG, due_date=date(2026, 12, 1))).item for _ in range(3)]
    broken = office.item(items[1].id)
    broken.cadence = "every now and then"  # stored data the policy cannot read: deciding raises
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    office.clock.set(now)

    urged = await office.services.urging.sweep()

    assert urged == 2
    assert rungs(office, items[0].id, ZHANG) == rungs(office, items[2].id, ZHANG) == ["due"]
    assert office.urges(items[1].id) == []
    assert office.item(items[1].id).next_urge_at == now + timedelta(minutes=15)
    assert EventKind.URGED in office.events(items[0].id) and EventKind.URGED not in office.events(items[1].id)
    await office.services.urging.sweep()  # a second sweep (or replica) at the same instant adds nothing
    assert len(office.urges(items[0].id)) == 1


async def test_the_spring_festival_2027_weeks_bulletins_go_out_together_after_it(office: Office) -> None:
    """An admin entered 2027's schedule (6–13 February off, Saturday 20 February worked): the whole week
    8–12 February is off, so week 5's and week 6's bulletins both wait for Monday 15 February 09:00."""
    entered = office.clock.now()
    for day in range(6, 14):
        office.tables.overrides[date(2027, 2, day)] = (False, "春节", ADMIN, entered)
    office.tables.overrides[date(2027, 2, 20)] = (True, "春节调休", ADMIN, entered)
    office.tables.confirmed_years[2027] = (ADMIN, entered)
    office.clock.set(datetime(2027, 1, 25, 10, 0, tzinfo=SH))
    await office.assign(lead=ZHANG, title="Open roads", due_date=date(2027, 2, 4))
    office.clock.set(datetime(2027, 2, 1, 9, 0, tzinfo=SH))
    await office.services.publications.sweep()
    assert ("week", "2027-W04") in office.tables.bulletins

    def weeks() -> list[str]:
        return sorted(period for kind, period in office.tables.bulletins if kind == "week")

    for moment in ("2027-02-08T09:00", "2027-02-10T11:00", "2027-02-12T10:00", "2027-02-13T10:00"):
        office.clock.set(datetime.fromisoformat(moment).replace(tzinfo=SH))
        await office.services.publications.sweep()
        assert weeks() == ["2027-W04"], moment
    office.clock.set(datetime(2027, 2, 15, 9, 0, tzinfo=SH))
    await office.services.publications.sweep()
    await office.services.publications.sweep()
    assert weeks() == ["2027-W04", "2027-W05", "2027-W06"]
    assert len(office.sent("bulletin")) == len(office.tables.bulletins)  # each once
