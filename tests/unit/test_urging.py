from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.calendar_sources import standard_calendar
from bot.domain.cadence import Cadence, parse_cadence
from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError, ParseError
from bot.domain.urging import (
    NOTICE_REPEAT_ROUND,
    Decision,
    PlannedUrge,
    Rung,
    SentUrge,
    UrgePolicy,
    UrgeSubject,
    decide,
    is_notice_repeat,
)
from tests.properties import examples

TZ = "Asia/Shanghai"
CST = ZoneInfo(TZ)
CAL = standard_calendar()
POLICY = UrgePolicy()


def at(text: str) -> datetime:
    """``"2026-11-26 10:00"`` in the organisation's timezone."""
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def d(text: str) -> date:
    return date.fromisoformat(text)


Answer = Callable[[PlannedUrge, datetime], datetime | None]


def unanswered(_send: PlannedUrge, _now: datetime) -> datetime | None:
    return None


def answer_checkins(send: PlannedUrge, now: datetime) -> datetime | None:
    return now + timedelta(minutes=5) if send.rung is Rung.CHECKIN else None


def simulate(
    subject: UrgeSubject,
    *,
    start: datetime | None = None,
    until: datetime | None = None,
    answer: Answer = unanswered,
    calendar: WorkCalendar = CAL,
    policy: UrgePolicy = POLICY,
    max_steps: int = 200,
) -> list[tuple[datetime, PlannedUrge]]:
    """The sweep loop: decide at next_at, record every send (sent at now) and go on."""
    now = start or subject.issued_at
    history = list(subject.history)
    sent: list[tuple[datetime, PlannedUrge]] = []
    for _ in range(max_steps):
        decision = decide(dataclasses.replace(subject, history=tuple(history)), now, calendar, policy, TZ)
        if decision.send is not None:
            sent.append((now, decision.send))
            history.append(SentUrge(decision.send.rung, decision.send.round, now, answer(decision.send, now)))
        if decision.next_at is None or (until is not None and decision.next_at > until):
            break
        assert decision.next_at > now
        assert decision.next_at.tzinfo is not None
        now = decision.next_at
    else:
        raise AssertionError("the sweep loop did not terminate")
    keys = [send.key for _, send in sent]
    assert len(keys) == len(set(keys)), keys
    return sent


def keys(sent: list[tuple[datetime, PlannedUrge]]) -> list[str]:
    return [send.key for _, send in sent]


def times(sent: list[tuple[datetime, PlannedUrge]]) -> list[str]:
    return [f"{now:%m-%d %H:%M}" for now, _ in sent]


NOV = UrgeSubject(issued_at=at("2026-11-26 10:00"), due=d("2026-12-15"))


# -- the whole ladder -------------------------------------------------------------------------


def test_unanswered_item_climbs_the_whole_ladder() -> None:
    sent = simulate(NOV)
    assert keys(sent) == [
        "checkin:1:2026-12-04",  # half time: 13 working days, the 6th after the issue date
        "repeat:1.1:2026-12-04",
        "repeat:1.2:2026-12-04",
        "checkin:2:2026-12-08",  # 19 calendar days: warned 5 working days before the deadline
        "repeat:2.1:2026-12-08",
        "repeat:2.2:2026-12-08",
        "due:0:2026-12-15",
        "notice:1:2026-12-16",  # first working day after the deadline: overdue
        f"repeat:{NOTICE_REPEAT_ROUND}.1:2026-12-16",
        f"repeat:{NOTICE_REPEAT_ROUND}.2:2026-12-16",
        "escalation:1:2026-12-18",  # two working days after the notice went out
    ]
    assert times(sent) == [
        "12-04 09:00", "12-04 13:00", "12-04 17:00",
        "12-08 09:00", "12-08 13:00", "12-08 17:00",
        "12-15 09:00", "12-16 09:00", "12-16 13:00", "12-16 17:00", "12-18 09:00",
    ]  # fmt: skip
    for now, send in sent:
        assert send.scheduled_for == now
        assert send.scheduled_for.tzinfo is not None
    assert is_notice_repeat(sent[8][1].round) and not is_notice_repeat(sent[1][1].round)


def test_after_escalation_nothing_is_left() -> None:
    history = tuple(
        SentUrge(rung, rnd, at(when))
        for rung, rnd, when in [
            (Rung.DUE, 0, "2026-12-15 09:00"),
            (Rung.NOTICE, 1, "2026-12-16 09:00"),
            (Rung.ESCALATION, 1, "2026-12-18 09:00"),
        ]
    )
    subject = dataclasses.replace(NOV, history=history)
    assert decide(subject, at("2026-12-18 09:00"), CAL, POLICY, TZ) == Decision(None, None)
    assert decide(subject, at("2026-12-31 09:00"), CAL, POLICY, TZ).next_at is None


def test_answered_checkins_are_not_repeated() -> None:
    sent = simulate(NOV, answer=answer_checkins)
    assert keys(sent)[:4] == [
        "checkin:1:2026-12-04",
        "checkin:2:2026-12-08",
        "due:0:2026-12-15",
        "notice:1:2026-12-16",
    ]


def test_answered_notice_stops_the_ladder() -> None:
    def answer_notice(send: PlannedUrge, now: datetime) -> datetime | None:
        return now + timedelta(hours=1) if send.rung is Rung.NOTICE else None

    sent = simulate(NOV, answer=answer_notice)
    assert keys(sent)[-1] == "notice:1:2026-12-16"
    assert not any(send.rung is Rung.ESCALATION for _, send in sent)


def test_answering_a_repeat_answers_the_round() -> None:
    history = (
        SentUrge(Rung.CHECKIN, 1, at("2026-12-04 09:00")),
        SentUrge(Rung.REPEAT, 1, at("2026-12-04 13:00"), answered_at=at("2026-12-04 13:30")),
    )
    decision = decide(dataclasses.replace(NOV, history=history), at("2026-12-04 17:00"), CAL, POLICY, TZ)
    assert decision == Decision(None, at("2026-12-08 09:00"))


def test_unanswered_checkin_at_16_repeats_next_working_day_at_11_skipping_the_weekend() -> None:
    subject = dataclasses.replace(NOV, cadence=parse_cadence("every fri 16:00"))
    sent = simulate(subject, until=at("2026-11-30 18:00"))
    assert [(f"{now:%a %m-%d %H:%M}", send.key) for now, send in sent] == [
        ("Fri 11-27 16:00", "checkin:1:2026-11-27"),
        ("Mon 11-30 11:00", "repeat:1.1:2026-11-30"),  # 16-18 Friday, 9-11 Monday
        ("Mon 11-30 15:00", "repeat:1.2:2026-11-30"),
    ]


def test_repeat_after_counts_working_hours_only() -> None:
    policy = UrgePolicy(repeat_after_work_hours=12, max_repeats=1)
    history = (SentUrge(Rung.CHECKIN, 1, at("2026-12-04 09:00")),)
    decision = decide(dataclasses.replace(NOV, history=history), at("2026-12-04 10:00"), CAL, policy, TZ)
    assert decision.next_at == at("2026-12-07 12:00")  # 9 hours Friday, 3 on Monday


# -- holidays and make-up days ----------------------------------------------------------------


SPRING = UrgeSubject(issued_at=at("2026-02-10 10:00"), due=d("2026-03-06"))


def test_spring_festival_2026_default_points() -> None:
    sent = simulate(SPRING, answer=answer_checkins)
    assert keys(sent) == [
        "checkin:1:2026-02-26",  # 14 working days (make-up Saturdays count), the 7th after issue
        "checkin:2:2026-02-28",  # make-up Saturday: 5 working days before Fri 03-06
        "due:0:2026-03-06",
        "notice:1:2026-03-09",
        f"repeat:{NOTICE_REPEAT_ROUND}.1:2026-03-09",
        f"repeat:{NOTICE_REPEAT_ROUND}.2:2026-03-09",
        "escalation:1:2026-03-11",
    ]
    assert f"{sent[1][0]:%a}" == "Sat"


def test_spring_festival_2026_nothing_during_the_holiday_make_up_saturdays_carry_points() -> None:
    subject = dataclasses.replace(SPRING, cadence=parse_cadence("every sat 16:00"))
    sent = simulate(subject, until=at("2026-03-02 18:00"))
    assert [(f"{now:%a %m-%d %H:%M}", send.key) for now, send in sent] == [
        ("Sat 02-14 16:00", "checkin:1:2026-02-14"),
        ("Tue 02-24 11:00", "repeat:1.1:2026-02-24"),  # across the whole Spring Festival
        ("Tue 02-24 15:00", "repeat:1.2:2026-02-24"),
        # The pre-deadline warning (02-28 09:00) shares its day with a cadence point: only one.
        ("Sat 02-28 16:00", "checkin:2:2026-02-28"),
        ("Mon 03-02 11:00", "repeat:2.1:2026-03-02"),
        ("Mon 03-02 15:00", "repeat:2.2:2026-03-02"),
    ]


def test_spring_festival_2026_daily_cadence() -> None:
    subject = dataclasses.replace(SPRING, cadence=parse_cadence("每天"))
    sent = simulate(subject, answer=answer_checkins, until=at("2026-03-01 00:00"))
    days = [f"{now:%m-%d}" for now, _ in sent]
    assert days == ["02-11", "02-12", "02-13", "02-14", "02-24", "02-25", "02-26", "02-27", "02-28"]
    for now, _ in sent:
        assert not (d("2026-02-15") <= now.date() <= d("2026-02-23"))


def test_every_2wd_counts_working_days_from_the_issue_date() -> None:
    subject = dataclasses.replace(SPRING, cadence=parse_cadence("every 2wd"))
    sent = simulate(subject, answer=answer_checkins, until=at("2026-03-06 00:00"))
    assert keys(sent) == [
        "checkin:1:2026-02-12",
        "checkin:2:2026-02-14",  # make-up Saturday is the 2nd working day after 02-12
        "checkin:3:2026-02-25",
        "checkin:4:2026-02-27",
        "checkin:5:2026-02-28",  # the pre-deadline warning still applies
        "checkin:6:2026-03-02",
        "checkin:7:2026-03-04",
    ]


def test_national_day_2025_make_up_sunday() -> None:
    cadence = parse_cadence("every fri 16:00")
    subject = UrgeSubject(issued_at=at("2025-09-26 10:00"), due=d("2025-10-09"), cadence=cadence)
    sent = simulate(subject)
    assert [(f"{now:%a %m-%d %H:%M}", send.key) for now, send in sent] == [
        ("Fri 09-26 16:00", "checkin:1:2025-09-26"),
        ("Sun 09-28 09:00", "checkin:2:2025-09-28"),  # 3 working days before Thu 10-09: make-up Sunday
        ("Sun 09-28 13:00", "repeat:2.1:2025-09-28"),
        ("Sun 09-28 17:00", "repeat:2.2:2025-09-28"),
        ("Thu 10-09 09:00", "due:0:2025-10-09"),  # Fri 10-03 is a holiday: no cadence point that week
        ("Fri 10-10 09:00", "notice:1:2025-10-10"),
        ("Fri 10-10 13:00", f"repeat:{NOTICE_REPEAT_ROUND}.1:2025-10-10"),
        ("Fri 10-10 17:00", f"repeat:{NOTICE_REPEAT_ROUND}.2:2025-10-10"),
        ("Mon 10-13 09:00", "escalation:1:2025-10-13"),  # make-up Saturday 10-11 is working day 1
    ]
    for now, _ in sent:
        assert not (d("2025-10-01") <= now.date() <= d("2025-10-08"))
    # An unanswered Friday 16:00 check-in is repeated on the make-up Sunday.
    later = dataclasses.replace(subject, due=d("2025-10-17"))
    sent = simulate(later, until=at("2025-09-28 18:00"))
    assert [(f"{now:%a %m-%d %H:%M}", send.key) for now, send in sent] == [
        ("Fri 09-26 16:00", "checkin:1:2025-09-26"),
        ("Sun 09-28 11:00", "repeat:1.1:2025-09-28"),
        ("Sun 09-28 15:00", "repeat:1.2:2025-09-28"),
    ]


def test_national_day_2025_default_points_merge_when_too_close() -> None:
    # 5 working days (09-28 included): half time and the pre-deadline warning both land on 09-29.
    subject = UrgeSubject(issued_at=at("2025-09-26 10:00"), due=d("2025-10-10"))
    sent = simulate(subject, answer=answer_checkins, until=at("2025-10-10 12:00"))
    assert keys(sent) == ["checkin:1:2025-09-29", "due:0:2025-10-10"]


def test_due_date_on_a_holiday_reminds_on_the_last_working_day_before() -> None:
    subject = UrgeSubject(issued_at=at("2025-09-15 10:00"), due=d("2025-10-05"))
    sent = simulate(subject, answer=answer_checkins, until=at("2025-10-09 12:00"))
    assert keys(sent)[-2:] == ["due:0:2025-09-30", "notice:1:2025-10-09"]


# -- urgent items, snooze, night --------------------------------------------------------------


def test_urgent_items_fire_at_night_and_on_weekends() -> None:
    cadence = parse_cadence("every day 22:30")
    plain = dataclasses.replace(NOV, cadence=cadence)
    urgent = dataclasses.replace(plain, urgent=True)
    first_urgent = simulate(urgent, until=at("2026-11-27 23:00"))
    assert [(f"{now:%m-%d %H:%M}", send.key) for now, send in first_urgent] == [
        ("11-27 22:30", "checkin:1:2026-11-27"),
    ]
    first_plain = simulate(plain, until=at("2026-11-30 09:00"))
    assert [(f"{now:%m-%d %H:%M}", send.key) for now, send in first_plain] == [
        ("11-30 09:00", "checkin:1:2026-11-30"),  # Fri 22:30 waits for Monday morning
    ]
    # An urgent item due on a Sunday and created on the Saturday night is reminded at once.
    weekend = UrgeSubject(issued_at=at("2026-11-28 22:00"), due=d("2026-11-29"), urgent=True)
    decision = decide(weekend, at("2026-11-28 22:00"), CAL, POLICY, TZ)
    assert decision.send is not None
    assert decision.send.key == "due:0:2026-11-28"
    assert decision.next_at == at("2026-11-30 09:00")  # the notice


def test_non_urgent_sweep_at_night_after_downtime_waits_for_working_time() -> None:
    decision = decide(NOV, at("2026-12-17 03:00"), CAL, POLICY, TZ)
    assert decision == Decision(None, at("2026-12-17 09:00"))
    decision = decide(NOV, at("2026-12-17 09:00"), CAL, POLICY, TZ)
    assert decision.send is not None and decision.send.key == "notice:1:2026-12-16"


def test_snooze_postpones_checkins_and_repeats() -> None:
    subject = dataclasses.replace(NOV, snoozed_until=at("2026-12-10 12:00"))
    sent = simulate(subject, until=at("2026-12-15 10:00"))
    assert [(f"{now:%m-%d %H:%M}", send.key) for now, send in sent] == [
        ("12-10 12:00", "checkin:1:2026-12-10"),  # both default points were snoozed; one goes out
        ("12-10 16:00", "repeat:1.1:2026-12-10"),
        ("12-11 11:00", "repeat:1.2:2026-12-11"),
        ("12-15 09:00", "due:0:2026-12-15"),
    ]
    history = (SentUrge(Rung.CHECKIN, 1, at("2026-12-04 09:00")),)
    snoozed = dataclasses.replace(NOV, history=history, snoozed_until=at("2026-12-07 10:30"))
    assert decide(snoozed, at("2026-12-04 13:00"), CAL, POLICY, TZ) == Decision(None, at("2026-12-07 10:30"))


def test_snooze_does_not_postpone_the_due_reminder() -> None:
    subject = dataclasses.replace(NOV, snoozed_until=at("2026-12-16 18:00"))
    sent = simulate(subject, until=at("2026-12-16 10:00"))
    assert keys(sent) == ["due:0:2026-12-15", "notice:1:2026-12-16"]


# -- catch-up ---------------------------------------------------------------------------------


def test_catch_up_after_downtime_sends_only_the_latest_point() -> None:
    now = NOV.issued_at + timedelta(days=12)  # Tue 12-08 10:00: half time and the warning passed
    decision = decide(NOV, now, CAL, POLICY, TZ)
    assert decision.send is not None
    assert decision.send.key == "checkin:1:2026-12-08"
    assert decision.send.scheduled_for == at("2026-12-08 09:00")
    assert decision.next_at == at("2026-12-08 14:00")  # its repeat
    sent = simulate(NOV, start=now)
    assert keys(sent)[:2] == ["checkin:1:2026-12-08", "repeat:1.1:2026-12-08"]
    assert "checkin:1:2026-12-04" not in keys(sent)  # the missed half-time point is never sent


def test_catch_up_when_overdue_sends_one_notice_then_escalates_on_its_own_rule() -> None:
    now = at("2026-12-21 10:00")  # down for 10+ days: every earlier point and the due date passed
    decision = decide(NOV, now, CAL, POLICY, TZ)
    assert decision.send is not None
    assert decision.send.rung is Rung.NOTICE
    assert decision.send.key == "notice:1:2026-12-16"
    sent = simulate(NOV, start=now)
    assert [(f"{t:%m-%d %H:%M}", send.key) for t, send in sent] == [
        ("12-21 10:00", "notice:1:2026-12-16"),
        ("12-21 14:00", f"repeat:{NOTICE_REPEAT_ROUND}.1:2026-12-21"),
        ("12-22 09:00", f"repeat:{NOTICE_REPEAT_ROUND}.2:2026-12-22"),
        ("12-23 10:00", "escalation:1:2026-12-23"),
    ]


def test_item_created_after_its_half_time_point() -> None:
    # Registered late: the half-time point (12-04) already passed when the first sweep sees it.
    decision = decide(NOV, at("2026-12-07 09:30"), CAL, POLICY, TZ)
    assert decision.send is not None and decision.send.key == "checkin:1:2026-12-04"
    assert decision.next_at == at("2026-12-07 13:30")
    # A point that would not fall strictly after the issue instant is no point at all.
    late = UrgeSubject(issued_at=at("2026-12-10 10:00"), due=d("2026-12-11"))
    assert keys(simulate(late, until=at("2026-12-11 12:00"))) == ["due:0:2026-12-11"]
    assert decide(late, late.issued_at, CAL, POLICY, TZ) == Decision(None, at("2026-12-11 09:00"))


def test_a_later_sent_checkin_passes_earlier_points() -> None:
    history = (SentUrge(Rung.CHECKIN, 1, at("2026-12-08 10:00")),)
    decision = decide(dataclasses.replace(NOV, history=history), at("2026-12-08 10:00"), CAL, POLICY, TZ)
    assert decision == Decision(None, at("2026-12-08 14:00"))


# -- cadences ---------------------------------------------------------------------------------


def test_every_monday_cadence() -> None:
    subject = dataclasses.replace(NOV, cadence=parse_cadence("every mon 09:00"))
    sent = simulate(subject, answer=answer_checkins, until=at("2026-12-15 12:00"))
    assert [(f"{now:%a %m-%d}", send.key) for now, send in sent] == [
        ("Mon 11-30", "checkin:1:2026-11-30"),
        ("Mon 12-07", "checkin:2:2026-12-07"),
        ("Tue 12-08", "checkin:3:2026-12-08"),  # the pre-deadline warning
        ("Mon 12-14", "checkin:4:2026-12-14"),
        ("Tue 12-15", "due:0:2026-12-15"),
    ]


def test_cadence_time_outside_working_hours_moves_to_work_start() -> None:
    subject = dataclasses.replace(NOV, cadence=parse_cadence("every mon 07:15"))
    first = decide(subject, NOV.issued_at, CAL, POLICY, TZ)
    assert first == Decision(None, at("2026-11-30 09:00"))


# -- re-planning ------------------------------------------------------------------------------


def test_extension_replans_the_due_reminder_notice_and_checkins() -> None:
    before = simulate(NOV, answer=answer_checkins, until=at("2026-12-16 10:00"))
    assert keys(before)[-1] == "notice:1:2026-12-16"
    history = tuple(SentUrge(s.rung, s.round, now) for now, s in before)
    approved = at("2026-12-16 15:00")
    extended = dataclasses.replace(NOV, due=d("2027-01-29"), history=history, replanned_at=approved)
    calendar = WorkCalendar(confirmed_years=[2027])
    after = simulate(extended, start=approved, answer=answer_checkins, calendar=calendar)
    assert keys(after) == [
        "checkin:3:2026-12-29",  # the new half time (after the approval); rounds go on
        "checkin:4:2027-01-22",  # 5 working days before the new deadline
        "due:0:2027-01-29",
        "notice:1:2027-02-01",
        f"repeat:{NOTICE_REPEAT_ROUND}.1:2027-02-01",
        f"repeat:{NOTICE_REPEAT_ROUND}.2:2027-02-01",
        "escalation:1:2027-02-03",
    ]
    assert not set(keys(before)) & set(keys(after))


def test_a_computed_year_plans_and_is_recorded() -> None:
    subject = UrgeSubject(issued_at=at("2026-12-20 10:00"), due=d("2027-01-20"))
    calendar = standard_calendar()
    assert decide(subject, subject.issued_at, calendar, POLICY, TZ).next_at is not None
    assert calendar.provisional_years == {2027}


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        decide(NOV, datetime(2026, 12, 1, 9), CAL, POLICY, TZ)
    with pytest.raises(ValueError):
        decide(
            dataclasses.replace(NOV, issued_at=datetime(2026, 11, 26)),
            at("2026-12-01 09:00"),
            CAL,
            POLICY,
            TZ,
        )


def test_manual_and_call_records_do_not_disturb_the_ladder() -> None:
    history = (
        SentUrge(Rung.MANUAL, 1, at("2026-12-04 10:00")),
        SentUrge(Rung.CALL, 1, at("2026-12-04 11:00")),
    )
    plain = decide(NOV, at("2026-12-04 12:00"), CAL, POLICY, TZ)
    with_manual = decide(dataclasses.replace(NOV, history=history), at("2026-12-04 12:00"), CAL, POLICY, TZ)
    assert plain == with_manual


def test_other_timezone_and_sends_in_utc() -> None:
    utc_now = at("2026-12-04 09:00").astimezone(ZoneInfo("UTC"))
    decision = decide(NOV, utc_now, CAL, POLICY, TZ)
    assert decision.send is not None and decision.send.key == "checkin:1:2026-12-04"
    assert decision.send.scheduled_for.utcoffset() == timedelta(hours=8)


# -- properties -------------------------------------------------------------------------------

PROPERTY_CAL = WorkCalendar(confirmed_years=[2027])  # Mon–Fri for the tail that reaches 2027
_CADENCES = st.one_of(
    st.none(),
    st.builds(
        Cadence, every_workdays=st.integers(1, 5), at=st.sampled_from([time(8), time(10, 30), time(19)])
    ),
    st.builds(
        Cadence,
        weekdays=st.frozensets(st.integers(0, 6), min_size=1),
        at=st.sampled_from([time(9), time(16), time(23, 59)]),
    ),
)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    issued=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)),
    days=st.integers(1, 60),
    cadence=_CADENCES,
    urgent=st.booleans(),
    answer_every=st.integers(0, 3),
)
def test_simulated_life_is_sane(
    issued: datetime, days: int, cadence: Cadence | None, urgent: bool, answer_every: int
) -> None:
    issued_at = issued.replace(tzinfo=CST)
    subject = UrgeSubject(
        issued_at=issued_at, due=issued_at.date() + timedelta(days=days), urgent=urgent, cadence=cadence
    )
    count = 0

    def answer(send: PlannedUrge, now: datetime) -> datetime | None:
        nonlocal count
        count += 1
        return now + timedelta(minutes=1) if answer_every and count % answer_every == 0 else None

    end = datetime.combine(subject.due + timedelta(days=15), time(), tzinfo=CST)
    sent = simulate(subject, until=end, answer=answer, calendar=PROPERTY_CAL, max_steps=200)
    assert any(send.rung is Rung.DUE or send.rung is Rung.NOTICE for _, send in sent)
    for now, send in sent:
        assert send.scheduled_for <= now
        if not urgent:
            assert PROPERTY_CAL.is_working_time(now.astimezone(CST))
            assert PROPERTY_CAL.is_working_time(send.scheduled_for)
        if send.rung in (Rung.CHECKIN, Rung.REPEAT) and not is_notice_repeat(send.round):
            assert now >= issued_at


# -- parse_cadence ----------------------------------------------------------------------------

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
DAILY = Cadence(every_workdays=1)


def wd(*days: int, at_: time = time(9)) -> Cadence:
    return Cadence(weekdays=frozenset(days), at=at_)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every mon 09:00", wd(MON)),
        ("every mon,thu 10:30", wd(MON, THU, at_=time(10, 30))),
        ("mon", wd(MON)),
        ("Monday", wd(MON)),
        ("every fri 14:00", wd(FRI, at_=time(14))),
        ("every mon at 7:05", wd(MON, at_=time(7, 5))),
        ("every mon, wed and fri", wd(MON, WED, FRI)),
        ("every mon-fri 08:30", wd(MON, TUE, WED, THU, FRI, at_=time(8, 30))),
        ("tue to thu", wd(TUE, WED, THU)),
        ("every day", DAILY),
        ("daily", DAILY),
        ("daily 16:00", Cadence(every_workdays=1, at=time(16))),
        ("每天", DAILY),
        ("每日", DAILY),
        ("每个工作日", DAILY),
        ("every 2wd", Cadence(every_workdays=2)),
        ("2wd", Cadence(every_workdays=2)),
        ("every 3 working days 15:00", Cadence(every_workdays=3, at=time(15))),
        ("每2个工作日", Cadence(every_workdays=2)),
        ("每两个工作日", Cadence(every_workdays=2)),
        ("每十二个工作日", Cadence(every_workdays=12)),
        ("weekly", wd(MON)),
        ("每周", wd(MON)),
        ("每周一", wd(MON)),
        ("每周一 9:30", wd(MON, at_=time(9, 30))),
        ("每周一三五", wd(MON, WED, FRI)),
        ("每周一、周四 10:00", wd(MON, THU, at_=time(10))),
        ("每周一至周五", wd(MON, TUE, WED, THU, FRI)),
        ("周日", wd(SUN)),
        ("每星期二 下午3点", wd(TUE, at_=time(15))),
        ("每周五 9点半", wd(FRI, at_=time(9, 30))),
        ("ＥＶＥＲＹ　ＭＯＮ　０９：００", wd(MON)),  # full-width: NFKC
        ("每周一　９：３０", wd(MON, at_=time(9, 30))),
        ("mon 00:00", wd(MON, at_=time(0))),
        ("mon 23:59", wd(MON, at_=time(23, 59))),
    ],
)
def test_parse_cadence_accepts(text: str, expected: Cadence) -> None:
    assert parse_cadence(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "every", "09:00", "mon 24:00", "mon 9:60", "mon 9:5", "mon 09:00:00", "someday",
        "every month", "每月15日", "每季度末", "每隔一天", "每2天", "fri-mon", "mon-", "每周八",
        "every 61wd", "每周末", "mon 25点",
    ],
)  # fmt: skip
def test_parse_cadence_refuses(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_cadence(text)
    assert info.value.code == "bad_cadence"
    assert info.value.params == {"text": text}


@pytest.mark.parametrize(
    "text",
    ["every hour", "hourly", "every 2h", "every 30 min", "每小时", "每2小时", "每半天", "每天两次",
     "twice a day", "3 times a day", "every day 09:00 15:00", "every 0wd", "每0个工作日"],
)  # fmt: skip
def test_parse_cadence_refuses_more_than_once_a_working_day(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_cadence(text)
    assert info.value.code == "cadence_too_frequent"
    assert info.value.params == {"text": text}


_CADENCE_ALPHABET = st.sampled_from(
    [
        *"每周星期礼拜一二三四五六日天两十个工作日至到、,，:：点半分小时次隔 0123456789０９",
        *("every ", "mon", "fri", "day", "wd", "daily", "weekly", "-", "at ", " to ", "and"),
    ]
)


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(_CADENCE_ALPHABET, max_size=8).map("".join)))
def test_parse_cadence_only_raises_domain_errors(text: str) -> None:
    try:
        cadence = parse_cadence(text)
    except DomainError as error:
        assert error.code in ("bad_cadence", "cadence_too_frequent")
        assert error.params == {"text": text}
    else:
        assert cadence.weekdays or cadence.every_workdays
        assert cadence.weekdays <= frozenset(range(7))
        assert cadence.every_workdays is None or 1 <= cadence.every_workdays <= 60
