"""The ``/duban list`` filter words: examples, and properties over generated filters (hypothesis)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.command_parser import parse_command
from bot.domain.commands import ListItems, UserRef
from bot.domain.errors import ParseError
from bot.domain.items import SourceKind
from bot.domain.lifecycle import State
from bot.domain.list_filter import (
    ListFilter,
    filter_clauses,
    filter_words,
    next_offset,
    to_query,
)
from bot.domain.periods import PeriodKind

TODAY = date(2026, 11, 26)


def filter_of(text: str) -> ListFilter:
    parsed = parse_command(text)
    assert isinstance(parsed, ListItems)
    return parsed.filter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("list overdue unit 发展改革科", ListFilter(overdue=True, unit="发展改革科")),
        ("列表 逾期 单位 发展改革科", ListFilter(overdue=True, unit="发展改革科")),
        ("list unit 发展改革科 overdue", ListFilter(overdue=True, unit="发展改革科")),
        ("列表 单位：发展改革科 在办", ListFilter(state="open", unit="发展改革科")),
        ("list source meeting done", ListFilter(state="done", source=SourceKind.MEETING_DECISION)),
        ("列表 来源 批示 机密", ListFilter(source=SourceKind.LEADER_INSTRUCTION, confidential=True)),
        ('list "Flood Plan" title road', ListFilter(words=("flood plan", "road"))),
        ("列表 关键词 防汛 本月", ListFilter(words=("防汛",), period=PeriodKind.MONTH)),
        ("list all state in_progress 2026", ListFilter(whose="all", state="in_progress", year=2026)),
        ("列表 状态 办理中 2026-03", ListFilter(state="in_progress", year=2026, month=3)),
        ("list mine overdue", ListFilter(whose="mine", overdue=True)),
    ],
)
def test_examples(text: str, expected: ListFilter) -> None:
    assert filter_of(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("list someday", "bad_list_filter"),
        ("list unit", "list_filter_value"),
        ("list overdue mine all", "list_filter_twice"),
        ("list state sleeping", "bad_list_state"),
        ("list source nowhere", "unknown_source"),
        ("list month 2026", "list_filter_twice"),
        ("list <@U1> <@U2>", "bad_list_filter"),
    ],
)
def test_refusals(text: str, code: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(text)
    assert caught.value.code == code


def test_scope_for_the_heading() -> None:
    assert parse_command("list").scope == "mine"  # type: ignore[union-attr]
    assert parse_command("list overdue").scope == "overdue"  # type: ignore[union-attr]
    assert parse_command("list overdue unit 发展改革科").scope == "all"  # type: ignore[union-attr]
    assert parse_command("list <@U2> overdue").scope == "user"  # type: ignore[union-attr]
    assert parse_command("list <@U2> overdue").user == UserRef(user_id="U2")  # type: ignore[union-attr]


def test_query_visibility_and_paging() -> None:
    mine = to_query(ListFilter(), actor_id="U1", overseer=False, today=TODAY, subject_id=None)
    assert (mine.involving, mine.viewer) == ("U1", "U1")
    everything = to_query(ListFilter(whose="all"), actor_id="U1", overseer=True, today=TODAY, subject_id=None)
    assert (everything.involving, everything.viewer) == (None, None)
    # Someone without a role asking for "all" sees what they take part in.
    limited = to_query(ListFilter(whose="all"), actor_id="U1", overseer=False, today=TODAY, subject_id=None)
    assert limited.involving == "U1"
    month = to_query(
        ListFilter(period=PeriodKind.MONTH), actor_id="U1", overseer=True, today=TODAY, subject_id=None
    )
    assert (month.due_from, month.due_to) == (date(2026, 11, 1), date(2026, 11, 30))
    assert next_offset(0, 30, 75) == 30 and next_offset(60, 15, 75) is None and next_offset(0, 0, 0) is None


# -- properties ------------------------------------------------------------------------------------

_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz发展改革科防汛道路", min_size=1, max_size=8)
_WORD = st.lists(_TEXT, min_size=1, max_size=2).map(" ".join)
filters = (
    st.builds(
        ListFilter,
        whose=st.sampled_from([None, "mine", "all"]),
        overdue=st.booleans(),
        state=st.sampled_from([None, "open", "done", *(s.value for s in State)]),
        unit=st.one_of(st.none(), _WORD),
        source=st.one_of(st.none(), st.sampled_from(list(SourceKind))),
        confidential=st.booleans(),
        words=st.lists(_WORD, max_size=3, unique=True).map(tuple),
    )
    | st.builds(
        ListFilter,
        overdue=st.booleans(),
        period=st.sampled_from(list(PeriodKind)),
    )
    | st.builds(
        ListFilter,
        state=st.sampled_from([None, "open"]),
        year=st.integers(2000, 2099),
        month=st.one_of(st.none(), st.integers(1, 12)),
    )
)


@given(filters, st.sampled_from(["zh", "en"]))
def test_words_read_back_as_the_same_filter(f: ListFilter, locale: str) -> None:
    assert filter_of(f"list {filter_words(f, locale)}".strip()) == f


@given(filters, st.sampled_from(["zh", "en"]), st.randoms(use_true_random=False))
def test_the_order_of_the_words_does_not_matter(f: ListFilter, locale: str, rnd: object) -> None:
    clauses = filter_clauses(f, locale)
    words = [c for c in clauses if c.startswith('"')]
    others = [c for c in clauses if not c.startswith('"')]
    rnd.shuffle(others)  # type: ignore[attr-defined]
    # Title words keep their order among themselves (the filter lists them as typed).
    assert filter_of(" ".join(["list", *others, *words])) == f


@given(st.text(max_size=40))
def test_any_text_is_a_filter_or_a_parse_error(text: str) -> None:
    try:
        parsed = parse_command(f"list {text}")
    except ParseError:
        return
    assert isinstance(parsed, ListItems)


@given(filters, st.booleans(), st.integers(0, 10_000))
def test_the_query_narrows_at_least_as_much_as_visibility(f: ListFilter, overseer: bool, offset: int) -> None:
    query = to_query(f, actor_id="U1", overseer=overseer, today=TODAY, subject_id=None, offset=offset)
    assert query.offset == offset
    if not overseer:
        assert query.viewer == "U1"
    if f.effective_whose() == "mine" or not overseer:
        assert query.involving == "U1"
    if f.overdue:
        assert query.overdue_on == TODAY
    assert query.words == f.words


@pytest.mark.parametrize(
    ("text", "today", "due_from", "due_to"),
    [
        ("list overdue week", date(2027, 2, 9), date(2027, 2, 8), date(2027, 2, 14)),  # the festival week
        ("列表 本月 逾期", date(2027, 2, 9), date(2027, 2, 1), date(2027, 2, 28)),  # 2027 is no leap year
        ("list quarter unit 发展改革科", date(2027, 2, 9), date(2027, 1, 1), date(2027, 3, 31)),
        ("列表 2027-02 逾期", date(2026, 11, 26), date(2027, 2, 1), date(2027, 2, 28)),  # asked in advance
        ("list year", date(2027, 1, 1), date(2027, 1, 1), date(2027, 12, 31)),
        ("list week", date(2027, 1, 1), date(2026, 12, 28), date(2027, 1, 3)),  # 2026-W53 spans New Year
    ],
)
def test_periods_on_a_clock_in_2027(text: str, today: date, due_from: date, due_to: date) -> None:
    query = to_query(filter_of(text), actor_id="U1", overseer=True, today=today, subject_id=None)
    assert (query.due_from, query.due_to) == (due_from, due_to)
    assert query.overdue_on == (today if "overdue" in text or "逾期" in text else None)
