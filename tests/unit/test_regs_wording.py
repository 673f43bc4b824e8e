"""Wording a person notices (issue 12 §8) and the pure follow-through rules (§3), on 2026 and 2027."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendar_sources import standard_calendar
from bot.domain.follow_through import (
    FollowThroughPolicy,
    ack_chase_due,
    progress_report_due,
    waiting_too_long,
)
from bot.domain.urging import UrgeSubject, with_promise
from messages.bulletin_labels import percent
from messages.i18n import t
from messages.text import number

TZ = ZoneInfo("Asia/Shanghai")
CAL = standard_calendar().with_guessing()
POLICY = FollowThroughPolicy()


def test_english_plurals() -> None:
    assert t("en", "bulletin.status_overdue", days=1) == "1 day overdue"
    assert t("en", "bulletin.status_overdue", days=3) == "3 days overdue"
    assert t("en", "bulletin.reason_returns", count=1) == "returned for redo 1 time"
    assert t("en", "regs.finished_late", days=1) == "completed 1 day late"


def test_urged_just_now_says_so() -> None:
    zh = t("zh", "error.urge_too_soon", number="DB-2026-0001", minutes=0, at="10:00")
    assert "刚刚催办过" in zh and "0 分钟" not in zh
    assert "5 分钟前" in t("zh", "error.urge_too_soon", number="DB-2026-0001", minutes=5, at="10:00")
    assert "just now" in t("en", "error.urge_too_soon", number="DB-2026-0001", minutes=0, at="10:00")


def test_figures_show_as_people_write_them() -> None:
    assert (number(1.25), number(1.5), number(2.0), number(2 / 3 * 100)) == ("1.25", "1.5", "2", "66.67")
    assert percent(None, "zh") == "—" and percent(0.125, "en") == "12.5%" and percent(1.0, "en") == "100%"


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.mark.parametrize("monday", [date(2026, 11, 23), date(2027, 3, 15)], ids=["2026", "2027"])
def test_follow_through_rules(monday: date) -> None:
    tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
    # A decision owed since Monday is late once Tuesday, its one working day, has gone by.
    assert not waiting_too_long(at(monday), at(tuesday), CAL, 1, TZ)
    assert waiting_too_long(at(monday), at(wednesday), CAL, 1, TZ)
    # Acknowledgements are chased from the next working day, not at the weekend.
    assert not ack_chase_due(at(monday), None, at(monday, 17), CAL, POLICY, TZ)
    assert ack_chase_due(at(monday), None, at(tuesday), CAL, POLICY, TZ)
    assert not ack_chase_due(at(monday), at(monday, 11), at(tuesday), CAL, POLICY, TZ)
    assert not ack_chase_due(at(monday), None, at(monday + timedelta(days=5)), CAL, POLICY, TZ)
    # 续报 every five working days after the delay report, counted from the latest report or request.
    next_monday = monday + timedelta(days=7)
    assert not progress_report_due(None, at(monday), at(next_monday - timedelta(days=3)), CAL, POLICY, TZ)
    assert progress_report_due(None, at(monday), at(next_monday), CAL, POLICY, TZ)
    assert not progress_report_due(
        None, at(monday), at(next_monday), CAL, POLICY, TZ, at(next_monday - timedelta(days=3))
    )
    assert not progress_report_due(at(monday), None, at(next_monday), CAL, POLICY, TZ)  # no delay report


def test_a_later_promise_replans_the_ladder_from_the_promise() -> None:
    subject = UrgeSubject(issued_at=at(date(2026, 11, 2)), due=date(2026, 12, 15))
    promised = with_promise(replace_promise(subject, date(2027, 1, 8), at(date(2026, 12, 16))))
    assert promised.due == date(2027, 1, 8) and promised.replanned_at > at(date(2026, 12, 16))
    # An earlier or missing promise changes nothing.
    assert (
        with_promise(replace_promise(subject, date(2026, 12, 1), at(date(2026, 11, 20)))).due == subject.due
    )
    assert with_promise(subject) is subject


def replace_promise(subject: UrgeSubject, day: date, when: datetime) -> UrgeSubject:
    from dataclasses import replace

    return replace(subject, promised=day, promised_at=when)


def test_a_form_names_every_wrong_field_at_once() -> None:
    from bot.domain.errors import FieldErrors
    from bot.domain.reports import ReportInput, ReviewInput, validate_report, validate_review

    today = date(2027, 1, 5)
    with pytest.raises(FieldErrors) as caught:
        validate_report(ReportInput(kind=None, percent="abc", status=None, done=""), today)
    assert {e.field for e in caught.value.errors} == {"kind", "percent", "status", "done"}
    with pytest.raises(FieldErrors) as caught:
        validate_review(ReviewInput("return", frozenset(), "", None), "regular", today)
    assert {e.field for e in caught.value.errors} == {"reasons", "new_due"}
