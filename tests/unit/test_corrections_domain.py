"""The pure rules of corrections (撤销 / 修改 / 改派), their grammar, and reading ledger rows."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain import corrections as rules
from bot.domain import lifecycle
from bot.domain.command_parser import parse_command
from bot.domain.commands import Edit, Reassign, UserRef, Withdraw
from bot.domain.corrections import EditValues
from bot.domain.errors import DomainError, IllegalTransition
from bot.domain.items import ItemNumber, ItemRef, OwnerRole, SourceKind
from bot.domain.ledger_import import duplicates, header_map, read_row
from bot.domain.lifecycle import Action, State
from bot.domain.statistics import compute
from tests.unit.test_lifecycle import make_item
from tests.unit.test_statistics import CAL, ITEMS, TODAY, TZ, WEEK, snap

TODAY_ = date(2026, 11, 26)


@pytest.mark.parametrize("state", sorted(lifecycle.OPEN_STATES - {State.ACKNOWLEDGED}))
def test_every_open_regular_state_can_be_withdrawn(state: State) -> None:
    item = make_item(state)
    assert lifecycle.apply(item, Action.WITHDRAW) is state
    assert item.state == "withdrawn" and not lifecycle.is_open(item)
    assert lifecycle.allowed_actions(item) == []  # terminal


@pytest.mark.parametrize("state", [State.COMPLETED, State.ARCHIVED, State.REJECTED, State.WITHDRAWN])
def test_finished_items_cannot_be_withdrawn_or_corrected(state: State) -> None:
    item = make_item(state)
    with pytest.raises(IllegalTransition):
        lifecycle.next_state(item, Action.WITHDRAW)
    with pytest.raises(DomainError) as refused:
        rules.ensure_correctable(item, "edit")
    assert refused.value.code.startswith("correction_")


def test_fyi_transfers_withdraw_until_closed() -> None:
    fyi = make_item(State.ACKNOWLEDGED, fyi=True)
    assert lifecycle.next_state(fyi, Action.WITHDRAW) is State.WITHDRAWN
    with pytest.raises(IllegalTransition):
        lifecycle.next_state(make_item(State.CLOSED, fyi=True), Action.WITHDRAW)


@pytest.mark.parametrize("state", ["rejected", "withdrawn"])
def test_rejected_and_withdrawn_items_count_nowhere(state: str) -> None:
    gone = snap("X", "office", "2026-11-24", "2026-11-27", "2026-11-27", state=state)
    with_it = compute([*ITEMS, gone], WEEK, today=TODAY, tz=TZ, calendar=CAL)
    without = compute(ITEMS, WEEK, today=TODAY, tz=TZ, calendar=CAL)
    assert with_it.total == without.total and with_it.departments == without.departments
    assert "X" not in [o.item.number for o in with_it.open_items]


def test_changes_lists_only_what_differs_and_a_typo_deadline_moves_both_dates() -> None:
    item = make_item(State.IN_PROGRESS)
    values = EditValues("t", "新要求", date(2026, 12, 9), SourceKind.MEETING_DECISION, True)
    found = rules.changes(item, rules.validate(values), TODAY_)
    assert [(c.field, c.old, c.new) for c in found] == [
        ("requirements", "", "新要求"),
        ("due", "2026-12-05", "2026-12-09"),
        ("confidential", False, True),
    ]
    rules.apply_changes(item, values, found)
    assert item.original_due == item.current_due == date(2026, 12, 9)
    extended = make_item(State.IN_PROGRESS)
    extended.current_due = date(2026, 12, 20)  # an approved extension keeps the original deadline
    rules.apply_changes(extended, values, rules.changes(extended, values, TODAY_))
    assert (extended.original_due, extended.current_due) == (date(2026, 12, 5), date(2026, 12, 9))


def test_edit_validation_names_the_field() -> None:
    item = make_item(State.ISSUED)
    with pytest.raises(DomainError) as empty:
        rules.validate(EditValues("  ", "", item.current_due, item.source, False))
    assert (empty.value.code, empty.value.field) == ("empty_title", "title")
    past = EditValues("t", "", date(2026, 11, 1), item.source, False)
    with pytest.raises(DomainError) as old:
        rules.changes(item, past, TODAY_)
    assert (old.value.code, old.value.field) == ("date_in_past", "due")


def test_replace_owner_keeps_role_and_position() -> None:
    item = make_item(State.ISSUED)
    rules.replace_owner(item, "U3", "U9", OwnerRole.CO)
    assert [(o.user_id, o.role) for o in item.owners] == [("U2", OwnerRole.LEAD), ("U9", OwnerRole.CO)]
    for old, new, role, code in [
        ("U2", "U8", OwnerRole.CO, "reassign_not_owner"),
        ("U2", "U2", OwnerRole.LEAD, "reassign_same_person"),
        ("U2", "U9", OwnerRole.LEAD, "reassign_already_owner"),
    ]:
        with pytest.raises(DomainError) as refused:
            rules.replace_owner(item, old, new, role)
        assert refused.value.code == code


def test_correction_grammar_in_both_languages() -> None:
    assert parse_command("撤销 DB-2026-0003 重复立项") == Withdraw(ItemRef(3, 2026), "重复立项")
    assert isinstance(parse_command("修改 3"), Edit)
    lead = parse_command("改派 3 主办 <@U0A|wang>")
    assert isinstance(lead, Reassign) and lead.new == UserRef("U0A") and lead.old is None
    co = parse_command("reassign 3 协办 <@U0A> <@U0B>")
    assert isinstance(co, Reassign) and (co.old, co.new) == (UserRef("U0A"), UserRef("U0B"))
    for text, code in [
        ("withdraw 3", "missing_value"),
        ("withdraw", "missing_item_ref"),
        ("edit 3 now", "unexpected_text"),
        ("reassign 3 somebody", "reassign_needs_person"),
        ("reassign 3 co <@U0A>", "reassign_needs_person"),
    ]:
        with pytest.raises(DomainError) as refused:
            parse_command(text)
        assert refused.value.code == code, text


def test_ledger_rows_are_read_or_refused_with_a_reason() -> None:
    columns, missing = header_map(["编号", "事由", "主办", "截止日期", "备注", "whatever"])
    assert missing == [] and columns == {0: "number", 1: "title", 2: "lead", 3: "due", 4: "history"}
    assert header_map(["title", "owner"])[1] == ["number", "due"]
    row = read_row(
        4,
        {
            "number": "12",
            "title": " 修订 预案 ",
            "lead": "U0A",
            "due": datetime(2026, 12, 5),
            "co": "张伟、Sarah Lee",
        },
        2026,
    )
    assert (row.number, row.title, row.co, row.state) == (
        ItemNumber(2026, 12),
        "修订 预案",
        ("张伟", "Sarah Lee"),
        State.IN_PROGRESS,
    )
    base = {"number": "DB-2026-0001", "title": "t", "lead": "U0A", "due": "2026-12-05"}
    for change, code in [
        ({"due": "tomorrow"}, "ledger_bad_date"),
        ({"due": None}, "ledger_missing"),
        ({"received": "2026-12-09"}, "ledger_due_before_received"),
        ({"state": "已归档"}, "ledger_not_open"),
        ({"state": "maybe"}, "ledger_bad_state"),
        ({"confidential": "perhaps"}, "ledger_bad_flag"),
        ({"source": "天上"}, "ledger_bad_source"),
        ({"number": "DB-2026-0000"}, "ledger_bad_number"),
    ]:
        with pytest.raises(DomainError) as refused:
            read_row(5, {**base, **change}, 2026)
        assert refused.value.code == code, change
    rows = [read_row(n, base, 2026) for n in (2, 3)]
    assert [(r.row, r.code) for r in duplicates(rows)] == [(3, "ledger_duplicate_number")]
