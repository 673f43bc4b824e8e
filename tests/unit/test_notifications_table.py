"""The notification table covers every notice the services send, and redacts confidential items.

A new send site in a service with a purpose or key that no notice kind names fails here, as does a
kind without an audience or redaction rule, or a moved kind whose builder leaks a confidential title.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, Role, SourceKind
from bot.domain.people import Person
from bot.domain.reports import ReportRecord, timeliness
from bot.domain.urge_records import ExtensionRequest, UrgeRecord
from bot.notifications import NOTICES, Audience, NoticeKind, Notifier, Redaction

SERVICES = Path(__file__).resolve().parents[2] / "bot" / "services"
TITLE = "绝密：人事调整方案"
SEND_CALL = re.compile(r"(?:uow\.send|issuing\.dm|await dm)\(\s*(?:uow,\s*)?(f?\"[^\"]*\"|\S+),", re.S)
PURPOSE = re.compile(r"purpose=(f?\"([a-z_]+)[^\"]*\"|[A-Z_]+)")


def _source() -> str:
    return "\n".join(p.read_text() for p in sorted(SERVICES.glob("*.py")))


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_has_an_audience_redaction_and_key(kind: NoticeKind) -> None:
    rule = NOTICES[kind]
    assert isinstance(rule.audience, Audience)
    assert isinstance(rule.redaction, Redaction)
    assert "{" in rule.key
    assert rule.builder is not None or rule.sent_by.startswith("bot.services")


def test_the_table_lists_every_kind() -> None:
    assert set(NOTICES) == set(NoticeKind)


def test_every_purpose_a_service_sends_is_a_notice_kind() -> None:
    constants = dict(re.findall(r'^([A-Z_]+) = "([a-z_]+)"', _source(), re.M))
    purposes = set()
    for literal, name in PURPOSE.findall(_source()):
        purposes.add(name or constants[literal])
    purposes -= {"tracker", "urge"}  # tracker:<record>, urge:<record>: TRACKER and the URGE_* kinds
    assert purposes, "the scan found nothing: the pattern is broken"
    assert purposes <= {k.value for k in NoticeKind}, purposes - {k.value for k in NoticeKind}


def test_every_key_a_service_sends_under_is_a_notice_kinds_key() -> None:
    known = {rule.key.split(":")[0] for rule in NOTICES.values()} | {"{FAILURE_PURPOSE}"}
    keys = [re.match(r'f?"([^:"]*)', arg) for arg in SEND_CALL.findall(_source())]
    prefixes = {m.group(1) for m in keys if m}
    assert prefixes, "the scan found nothing: the pattern is broken"
    assert prefixes <= known, prefixes - known


class Settings:
    locale = "zh"
    timezone = "Asia/Shanghai"


def _item() -> Item:
    return Item(
        id=3,
        number=ItemNumber(2026, 3),
        title=TITLE,
        requirements="",
        source=SourceKind.OTHER,
        state="in_progress",
        assigner_id="U0SUPER",
        owners=[Owner("U0STAFFB", OwnerRole.LEAD), Owner("U0STAFFB2", OwnerRole.CO)],
        original_due=date(2026, 12, 1),
        current_due=date(2026, 12, 1),
        created_at=datetime(2026, 11, 26, 2, tzinfo=UTC),
        confidential=True,
        review_due=date(2026, 12, 8),
    )


def _record(rung: str) -> UrgeRecord:
    now = datetime(2026, 12, 3, 2, tzinfo=UTC)
    return UrgeRecord(7, 3, rung, 1, "k", "U0HEADB", now, now, actor_id="U0SUPER")


NOW = datetime(2026, 12, 3, 2, tzinfo=UTC)
REPORT = ReportRecord(9, 3, "U0STAFFB", "final", 100, "on_track", "已完成", "", "", None, "form", NOW)
SAMPLES: dict[NoticeKind, dict[str, Any]] = {
    NoticeKind.NOTICE: {"tz": "Asia/Shanghai"},
    NoticeKind.NOTICE_ACK: {"tz": "Asia/Shanghai", "at": NOW},
    NoticeKind.FYI_CLOSED: {},
    NoticeKind.URGE_CHECKIN: {"record": _record("checkin"), "extra": {"days_left": 2}},
    NoticeKind.URGE_REPEAT: {"record": _record("repeat"), "extra": {"days_left": 0, "repeat": True}},
    NoticeKind.URGE_DUE: {"record": _record("due")},
    NoticeKind.URGE_NOTICE: {"record": _record("notice"), "extra": {"overdue_days": 3}},
    NoticeKind.URGE_ESCALATION: {
        "record": _record("escalation"),
        "extra": {"overdue_days": 5, "notice_sent": NOW, "history": [_record("notice")]},
    },
    NoticeKind.URGE_MANUAL: {"record": _record("manual"), "overdue_days": 1, "by": "李娜"},
    NoticeKind.URGE_ANSWERED: {
        "record": UrgeRecord(
            7,
            3,
            "notice",
            1,
            "k",
            "U0HEADB",
            NOW,
            NOW,
            answer="extension",
            answered_at=NOW,
            answered_by="U0HEADB",
        ),
        "overdue_days": 1,
    },
    NoticeKind.TRACKER: {"records": [_record("notice")]},
    NoticeKind.TRACKER_UPDATE: {"records": [_record("notice")]},
    NoticeKind.EXTENSION: {
        "request": 5,
        "extra": {"requester": "U0HEADB", "new": date(2026, 12, 20), "reason": "需要协调"},
    },
    NoticeKind.EXTENSION_DECIDED: {
        "request": ExtensionRequest(
            5, 3, "U0HEADB", date(2026, 12, 20), "需要协调", NOW, status="approved", decided_by="U0SUPER"
        ),
        "old": date(2026, 12, 1),
    },
    NoticeKind.BLOCKED_ALERT: {"who": "U0STAFFB"},
    NoticeKind.RETURNED: {"reviewer": "U0SUPER", "reasons": "数据不全", "tz": "Asia/Shanghai"},
    NoticeKind.REVIEW_DONE: {"decision": "approve"},
    NoticeKind.COMPLETED: {"reviewer": "U0SUPER"},
    NoticeKind.FEEDBACK: {
        "report": None,
        "reviewer": "U0SUPER",
        "timely": timeliness(date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 1)),
        "reported_on": date(2026, 12, 1),
    },
    NoticeKind.REPORT_RECEIVED: {"report": REPORT, "co": False, "by": "U0STAFFB"},
    NoticeKind.REVIEW_REQUEST: {"report": REPORT, "co": False, "by": "U0STAFFB"},
    NoticeKind.CO_PART_DONE: {"report": REPORT, "co": True, "by": "U0STAFFB2"},
    NoticeKind.REVIEW_OVERDUE: {},
    NoticeKind.PROPOSAL: {"tz": "Asia/Shanghai"},
    NoticeKind.PROPOSAL_DECIDED: {"approved": True, "by": "U0LEADER", "at": NOW, "tz": "Asia/Shanghai"},
    NoticeKind.PROPOSAL_OUTCOME: {"approved": False, "by": "U0LEADER", "at": NOW, "tz": "Asia/Shanghai"},
    NoticeKind.INSTRUCTED: {"by": "U0LEADER", "text": "抓紧", "tz": "Asia/Shanghai"},
    NoticeKind.COORDINATION: {"who": "U0LEADER"},
    NoticeKind.MEETING: {"held_at": NOW.isoformat(), "minutes": TITLE, "outcome": "", "by": "U0SUPER"},
}
MOVED = [kind for kind, rule in NOTICES.items() if rule.builder is not None]


def test_every_moved_kind_has_a_redaction_sample() -> None:
    assert set(MOVED) == set(SAMPLES)


@pytest.mark.parametrize("kind", MOVED)
@pytest.mark.parametrize(
    ("person", "sees"),
    [
        (Person("U0HEADB", "Sarah", roles={Role.DEPT_HEAD}), False),
        (Person("U0STAFFA", "刘洋"), False),
        (Person("U0STAFFB", "陈静"), True),
        (Person("U0SUPER", "李娜"), True),  # the assigner
        (Person("U0LEADER", "王建国", roles={Role.LEADER}), True),
        (Person("U0ADMIN", "Admin", roles={Role.ADMIN}), True),
    ],
    ids=["head", "unrelated", "lead", "assigner", "leader", "admin"],
)
def test_a_confidential_title_reaches_only_the_cleared(kind: NoticeKind, person: Person, sees: bool) -> None:
    notifier = Notifier(Settings())
    item = _item()
    body = repr(notifier.render(kind, item, person, SAMPLES[kind]))
    assert "DB-2026-0003" in body
    leader = Person("U0LEADER", "王建国", roles={Role.LEADER})
    titled = TITLE in repr(notifier.render(kind, item, leader, SAMPLES[kind]))
    # Readers with clearance get what a leader gets; the others never the title.
    assert (TITLE in body) is (sees and titled), body
    if titled and not sees:
        assert ":lock:" in body  # where the title would stand: 🔒 and the number
