"""The report and review rules, the roll-up and the office's limits: pure functions, no I/O."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError
from bot.domain.evidence import FILES_MAX, Attachment
from bot.domain.reports import (
    CHECKLIST,
    RECTIFICATION_CHECK,
    ChildSummary,
    Decision,
    ReportInput,
    ReportKind,
    ReviewInput,
    checklist_for,
    open_children,
    review_overdue_since,
    rollup,
    timeliness,
    validate_report,
    validate_review,
)

TODAY = date(2026, 11, 26)
GOOD = ReportInput(kind="progress", percent="40", status="at_risk", done="初稿完成")


def field_of(raw: ReportInput) -> str | None:
    with pytest.raises(DomainError) as info:
        validate_report(raw, TODAY)
    return info.value.field


def test_a_valid_progress_report() -> None:
    valid = validate_report(GOOD, TODAY)
    assert (valid.kind, valid.percent, valid.health.value, valid.done) == (
        ReportKind.PROGRESS,
        40,
        "at_risk",
        "初稿完成",
    )


def test_evidence_is_the_forms_files_then_its_links_one_per_permalink() -> None:
    uploaded = (
        Attachment("验收报告.pdf", "https://t.slack.com/files/U1/F1/ys.pdf"),
        Attachment("照片.jpg", "https://t.slack.com/files/U1/F2/zp.jpg"),
    )
    links = "同一份 https://t.slack.com/files/U1/F1/ys.pdf\n纪要 https://docs.example.cn/jy.pdf"
    valid = validate_report(_with(GOOD, files=uploaded, links=links), TODAY)
    assert valid.evidence == (*uploaded, Attachment("纪要", "https://docs.example.cn/jy.pdf"))
    assert validate_report(GOOD, TODAY).evidence == ()
    many = tuple(Attachment(f"f{i}", f"https://t.slack.com/files/U1/F{i}/f") for i in range(10))
    lots = "\n".join(f"https://docs.example.cn/{i}.pdf" for i in range(20))
    assert len(validate_report(_with(GOOD, files=many, links=lots), TODAY).evidence) == FILES_MAX


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": None}, "kind"),
        ({"kind": "note"}, "kind"),
        ({"percent": None}, "percent"),
        ({"percent": "abc"}, "percent"),
        ({"percent": "101"}, "percent"),
        ({"percent": "-1"}, "percent"),
        ({"status": "fine"}, "status"),
        ({"done": "   "}, "done"),
        ({"done": "x" * 3001}, "done"),
        ({"links": "x" * 3001}, "links"),
        ({"kind": "delay", "expected": date(2026, 12, 10)}, "problems"),
        ({"kind": "delay", "problems": "材料未齐"}, "expected"),
        ({"expected": date(2026, 11, 25)}, "expected"),
        ({"kind": "final", "percent": "90"}, "percent"),
    ],
)
def test_report_refusals_name_their_field(changes: dict[str, object], field: str) -> None:
    raw = _with(GOOD, **changes)
    assert field_of(raw) == field


def _with(raw: ReportInput, **changes: object) -> ReportInput:
    from dataclasses import replace

    return replace(raw, **changes)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=100))
def test_every_percent_from_0_to_100_is_accepted(percent: int) -> None:
    assert validate_report(_with(GOOD, percent=str(percent)), TODAY).percent == percent


def test_review_rules() -> None:
    approve = ReviewInput(decision="approve", checked=frozenset(CHECKLIST))
    assert validate_review(approve, "regular", TODAY).decision is Decision.APPROVE
    with pytest.raises(DomainError) as info:
        validate_review(approve, "rectification", TODAY)  # on-site verification missing
    assert info.value.field == "checklist"
    assert checklist_for("rectification")[-1] == RECTIFICATION_CHECK
    for raw, field in [
        (ReviewInput(decision=None, checked=frozenset()), "decision"),
        (ReviewInput(decision="return", checked=frozenset(), new_due=date(2026, 12, 1)), "reasons"),
        (ReviewInput(decision="return", checked=frozenset(), reasons="缺数据"), "new_due"),
        (ReviewInput(decision="return", checked=frozenset(), reasons="缺数据", new_due=TODAY), "new_due"),
    ]:
        with pytest.raises(DomainError) as info:
            validate_review(raw, "regular", TODAY)
        assert info.value.field == field
    returned = validate_review(
        ReviewInput(
            decision="return", checked=frozenset({"policy"}), reasons=" 缺数据 ", new_due=date(2026, 12, 1)
        ),
        "regular",
        TODAY,
    )
    assert (returned.reasons, returned.checklist["policy"], returned.checklist["facts"]) == (
        "缺数据",
        True,
        False,
    )


def child(state: str, percent: int | None) -> ChildSummary:
    return ChildSummary(1, "DB-2026-0002", "t", state, percent)


def test_rollup_counts_finished_children_as_100() -> None:
    children = [child("completed", 80), child("in_progress", 50), child("issued", None)]
    assert rollup(children) == rollup(list(reversed(children)))
    roll = rollup(children)
    assert (roll.done, roll.total, roll.average_percent) == (1, 3, 50)
    assert [c.state for c in open_children(children)] == ["in_progress", "issued"]
    assert rollup([]).total == 0


def test_review_overdue_only_after_the_limit_and_only_while_waiting() -> None:
    due = date(2026, 11, 27)
    assert review_overdue_since("reported", due, due) is None
    assert review_overdue_since("under_review", due, date(2026, 11, 30)) == due
    assert review_overdue_since("completed", due, date(2026, 11, 30)) is None
    assert review_overdue_since("reported", None, date(2026, 11, 30)) is None


def test_timeliness_against_both_deadlines() -> None:
    timely = timeliness(date(2026, 12, 18), date(2026, 12, 15), date(2026, 12, 20))
    assert (timely.on_time_original, timely.days_late_original) == (False, 3)
    assert (timely.on_time_current, timely.days_late_current) == (True, 0)
