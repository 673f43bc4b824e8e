"""The report and review forms are read into typed inputs (``ReportInput`` / ``ReviewInput``), the only
shape the services accept: what Slack's view state holds never reaches a service as a loose dict."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.evidence import LINK_MAX, NAME_MAX, Attachment
from bot.domain.reports import ReportInput, ReviewInput
from messages import report_forms as rf


def typed(block: str, value: str) -> dict[str, Any]:
    return {block: {block: {"type": "plain_text_input", "value": value}}}


def picked(block: str, value: str) -> dict[str, Any]:
    return {block: {block: {"type": "static_select", "selected_option": {"value": value}}}}


def test_the_report_form_reads_into_a_report_input() -> None:
    values = {
        **picked(rf.KIND, "final"),
        **typed(rf.PERCENT, "100"),
        **picked(rf.STATUS, "on_track"),
        **typed(rf.DONE, "Bridge repaired"),
        rf.EXPECTED: {rf.EXPECTED: {"type": "datepicker", "selected_date": "2026-12-20"}},
    }
    assert rf.read_report_state(values) == ReportInput(
        kind="final", percent="100", status="on_track", done="Bridge repaired", expected=date(2026, 12, 20)
    )


def test_an_empty_report_form_reads_as_nothing_chosen() -> None:
    assert rf.read_report_state({}) == ReportInput(kind=None, percent=None, status=None)


def test_the_review_form_reads_into_a_review_input() -> None:
    values = {
        **picked(rf.DECISION, "return"),
        **typed(rf.REASONS, "Photos missing"),
        rf.CHECKLIST: {rf.CHECKLIST: {"selected_options": [{"value": "goal_met"}, {"value": "evidence"}]}},
        rf.NEW_DUE: {rf.NEW_DUE: {"selected_date": "2027-01-08"}},
    }
    assert rf.read_review_state(values) == ReviewInput(
        decision="return",
        checked=frozenset({"goal_met", "evidence"}),
        reasons="Photos missing",
        new_due=date(2027, 1, 8),
    )


def test_files_attached_to_the_report_form_are_read_as_attachments() -> None:
    slack_file = {
        "id": "F0A1",
        "name": "验收报告.pdf",
        "title": "验收报告.pdf",
        "mimetype": "application/pdf",
        "permalink": "https://t.slack.com/files/U1/F0A1/ys.pdf",
        "url_private": "https://files.slack.com/files-pri/T1-F0A1/ys.pdf",
    }
    long_one = {"id": "F0A2", "name": "长" * 300, "permalink": "https://t.slack.com/files/" + "x" * 2000}
    files = [slack_file, {"id": "F0A3", "name": "no link"}, "junk", long_one, dict(slack_file)]
    values = {rf.FILES: {rf.FILES: {"type": "file_input", "files": files}}}
    assert rf.read_report_state(values).files == (
        Attachment("验收报告.pdf", "https://t.slack.com/files/U1/F0A1/ys.pdf"),
        Attachment("长" * NAME_MAX, long_one["permalink"][:LINK_MAX]),
    )
    assert rf.read_report_state({}).files == ()
    odd = {rf.FILES: {rf.FILES: {"type": "file_input", "files": None}}}
    assert rf.read_report_state(odd).files == ()
