"""Register fields (登记要素): reading the received date, the assign syntax, the same-day limit."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.calendar_sources import standard_calendar
from bot.domain.command_parser import parse_command
from bot.domain.commands import Assign
from bot.domain.errors import DomainError
from bot.domain.ledger_import import header_map, read_row
from bot.domain.office_limits import OfficeTimeline, office_limits
from bot.domain.periods import period_containing
from bot.domain.register import (
    BASIS_MAX,
    RegisterFields,
    check_register,
    read_received,
    registered_same_day,
)

TODAY = date(2026, 11, 26)
TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026年11月20日", date(2026, 11, 20)),
        ("11-20", date(2026, 11, 20)),
        ("11月20日", date(2026, 11, 20)),
        ("Nov 20", date(2026, 11, 20)),
        ("昨天", date(2026, 11, 25)),
        ("today", TODAY),
        (date(2026, 1, 5), date(2026, 1, 5)),
        ("", None),
        (None, None),
    ],
)
def test_received_dates_as_people_write_them(typed: str | date | None, expected: date | None) -> None:
    assert read_received(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2026-11-27", "received_in_future"),
        ("12月1日", "received_in_future"),
        (date(2027, 1, 1), "received_in_future"),
        ("someday", "received_bad_date"),
        ("2月30日", "received_bad_date"),
        ("2026-13-01", "received_bad_date"),
    ],
)
def test_a_future_or_unreadable_received_date_is_a_field_error(typed: str | date, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        read_received(typed, TODAY)
    assert (caught.value.code, caught.value.field) == (code, "received")


def test_register_texts_are_tidied_and_limited() -> None:
    fields = check_register(RegisterFields(None, "  县政办〔2026〕\n45号 ", "\n依据\n"))
    assert (fields.doc_number, fields.basis) == ("县政办〔2026〕 45号", "依据")
    with pytest.raises(DomainError) as caught:
        check_register(RegisterFields(None, "", "x" * (BASIS_MAX + 1)))
    assert caught.value.field == "basis"


def test_the_assign_command_takes_the_register_fields_as_options() -> None:
    parsed = parse_command(
        "交办 <@U1> 修订预案 截止 12月15日 收文 11月24日 文号：县防指〔2026〕8号 依据 第3次 会议纪要"
    )
    assert isinstance(parsed, Assign)
    assert (parsed.title, parsed.due, parsed.received, parsed.doc_number, parsed.basis) == (
        "修订预案",
        "12月15日",
        "11月24日",
        "县防指〔2026〕8号",
        "第3次 会议纪要",
    )
    english = parse_command(
        "assign <@U1> Fix the gate received Nov 20 docno A-12 basis board minutes due 12-15"
    )
    assert isinstance(english, Assign)
    assert (english.received, english.doc_number, english.basis, english.due) == (
        "Nov 20",
        "A-12",
        "board minutes",
        "12-15",
    )
    plain = parse_command("assign <@U1> Fix the gate due 12-15")
    assert isinstance(plain, Assign) and (plain.received, plain.doc_number, plain.basis) == (None, None, None)


def test_registered_the_same_day_counts_from_the_received_date() -> None:
    assert registered_same_day(None, TODAY)
    assert registered_same_day(TODAY, TODAY)
    assert not registered_same_day(date(2026, 11, 25), TODAY)

    def at(day: str) -> datetime:
        return datetime.combine(date.fromisoformat(day), datetime.min.time().replace(hour=10), tzinfo=TZ)

    week = period_containing("week", TODAY)
    timelines = [
        OfficeTimeline(at("2026-11-23"), at("2026-11-23"), (), received_on=date(2026, 11, 23)),
        OfficeTimeline(at("2026-11-24"), at("2026-11-24"), (), received_on=date(2026, 11, 20)),  # late
        OfficeTimeline(at("2026-11-25"), at("2026-11-25"), ()),  # no received date: that day
    ]
    limits = office_limits(timelines, week, today=TODAY, tz=TZ, calendar=standard_calendar())
    assert (limits.registered, limits.registered_late) == (3, 1)


def test_ledger_columns_for_the_register_fields() -> None:
    found, missing = header_map(["编号", "督查事由", "主办人", "办理时限", "收文日期", "文号", "立项依据"])
    assert missing == [] and set(found.values()) >= {"received_on", "doc_number", "basis"}
    cells = {
        "number": "DB-2026-0003",
        "title": "t",
        "lead": "U1",
        "due": "2026-12-20",
        "received_on": "2026-11-02",
        "doc_number": "A〔2026〕1号",
        "basis": "会议纪要",
    }
    row = read_row(5, cells, 2026, TODAY)
    assert row.register == RegisterFields(date(2026, 11, 2), "A〔2026〕1号", "会议纪要")
    with pytest.raises(DomainError) as caught:
        read_row(5, {**cells, "received_on": "2026-12-01"}, 2026, TODAY)
    assert caught.value.code == "ledger_received_in_future"
