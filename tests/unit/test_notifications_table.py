"""The notification table covers every notice the bot sends, and redacts confidential items.

Services send only through the notifier (``Notifier.send`` / ``send_all`` with a kind): a service that
queues an outbox row itself, or under a purpose no kind names, fails here (and ``lint-imports`` fails a
service that imports ``messages``). So do a kind without an audience, redaction, key or builder, a kind
nothing sends, and a kind whose builder shows a confidential title to someone without clearance.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.corrections import FieldChange
from bot.domain.items import Item, ItemNumber, Owner, OwnerRole, Role, SourceKind
from bot.domain.lifecycle import State
from bot.domain.people import Person
from bot.domain.reports import ReportRecord, timeliness
from bot.domain.urge_records import ExtensionRequest, UrgeRecord
from bot.notifications import NOTICES, URGE_KINDS, Audience, NoticeKind, Notifier, Redaction
from messages.i18n import t

BOT = Path(__file__).resolve().parents[2] / "bot"
SERVICES = BOT / "services"
NOTIFIER = BOT / "notifications" / "notifier.py"
TITLE = "绝密：人事调整方案"
# An outbox row queued by hand (the notifier's own ``uow.send(`` included), or a direct-message helper.
SEND_CALL = re.compile(r"\buow\.send\(|\bdm\(")
PURPOSE = re.compile(r"purpose=(f?\"([a-z_]+)[^\"]*\"|[A-Z_]+)")
KIND_USE = re.compile(r"NoticeKind\.([A-Z_]+)")


def _services() -> str:
    return "\n".join(p.read_text() for p in sorted(SERVICES.glob("*.py")))


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_has_an_audience_redaction_key_and_builder(kind: NoticeKind) -> None:
    rule = NOTICES[kind]
    assert isinstance(rule.audience, Audience)
    assert isinstance(rule.redaction, Redaction)
    assert "{" in rule.key
    assert callable(rule.builder)
    assert rule.purpose in ("", None) or rule.purpose in {k.value for k in NoticeKind}


def test_the_table_lists_every_kind() -> None:
    assert set(NOTICES) == set(NoticeKind)


def test_services_queue_no_outbox_row_themselves() -> None:
    assert SEND_CALL.search(NOTIFIER.read_text()), "the scan found nothing: the pattern is broken"
    found = {p.name: SEND_CALL.findall(p.read_text()) for p in SERVICES.glob("*.py")}
    assert not {name: calls for name, calls in found.items() if calls}


def test_services_never_address_a_sent_message_themselves() -> None:
    """Where a message was posted (channel, ts) is looked up behind the seam (notifications.updates)."""
    register = re.compile(r"\buow\.messages\.")
    assert register.search((BOT / "notifications" / "updates.py").read_text()), "the pattern is broken"
    found = {p.name: register.findall(p.read_text()) for p in SERVICES.glob("*.py")}
    assert not {name: calls for name, calls in found.items() if calls}


def test_services_tag_rows_only_with_the_urge_and_tracker_records() -> None:
    """A caller may name the purpose only to address one urge record's message (``urge:<id>``)."""
    purposes = {literal or name for literal, name in PURPOSE.findall(_services())}
    assert purposes, "the scan found nothing: the pattern is broken"
    assert {m for _, m in PURPOSE.findall(_services())} <= {"urge", "tracker"}


def test_every_kind_is_sent_by_something() -> None:
    used = set(KIND_USE.findall(_services())) | {k.name for k in URGE_KINDS.values()}
    assert used <= {k.name for k in NoticeKind}
    assert used == {k.name for k in NoticeKind}, {k.name for k in NoticeKind} - used


def test_idempotency_keys_do_not_collide() -> None:
    """Two kinds never share a key (the urgings share the urge record's key: one record, one row)."""
    keys: dict[str, list[NoticeKind]] = {}
    for kind, rule in NOTICES.items():
        keys.setdefault(rule.key, []).append(kind)
    shared = {key: kinds for key, kinds in keys.items() if len(kinds) > 1}
    assert set(shared) <= {"urge:{idem_key}"}, shared


def test_only_a_replaced_owner_is_told_in_full_without_clearance() -> None:
    """PARTICIPANT redaction skips the clearance check: kept to the owner an item was just taken from."""
    assert {k for k, r in NOTICES.items() if r.redaction is Redaction.PARTICIPANT} == {NoticeKind.RELEASED}


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
        state=State.IN_PROGRESS,
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
    NoticeKind.PROPOSAL_REVIEW: {"tz": "Asia/Shanghai"},
    NoticeKind.PROPOSAL_REVIEWED: {"by": "U0DEPUTY", "at": NOW, "tz": "Asia/Shanghai"},
    NoticeKind.PROPOSAL_FORWARDED: {"by": "U0DEPUTY", "principal": "U0LEADER"},
    NoticeKind.PROPOSAL_REJECTED: {"by": "U0LEADER", "reason": "重复"},
    NoticeKind.PROPOSAL_REJECTED_STAMP: {"by": "U0LEADER", "at": NOW, "reason": "x", "tz": "Asia/Shanghai"},
    NoticeKind.INSTRUCTED: {"by": "U0LEADER", "text": "抓紧", "tz": "Asia/Shanghai"},
    NoticeKind.COORDINATION: {"who": "U0LEADER"},
    NoticeKind.HANDED_OVER: {"tz": "Asia/Shanghai"},
    NoticeKind.ASSIGNED: {"owners": [Person("U0STAFFB", "陈静")], "warnings": []},
    NoticeKind.URGE_ACK: {"days": 2},
    NoticeKind.URGE_PROGRESS: {"days": 3},
    NoticeKind.WITHDRAWN: {"reason": "不再需要", "by": "U0SUPER"},
    NoticeKind.NOTICE_WITHDRAWN: {"reason": "不再需要", "tz": "Asia/Shanghai"},
    NoticeKind.EDIT_CONFIRMED: {"changes": [FieldChange("due", "2026-12-01", "2026-12-10")]},
    NoticeKind.EDITED: {"changes": [FieldChange("due", "2026-12-01", "2026-12-10")], "by": "U0SUPER"},
    NoticeKind.ESCALATION_SETTLED: {"by": "U0STAFFB", "at": NOW},
    NoticeKind.PROPOSAL_WAITING: {"days": 2},
    NoticeKind.EXTENSION_WAITING: {"request": 5, "due": date(2026, 12, 20), "days": 2},
    NoticeKind.DOSSIER: {"html": "<html></html>"},
    NoticeKind.MEETING: {"held_at": NOW.isoformat(), "minutes": TITLE, "outcome": "", "by": "U0SUPER"},
}
# Rendered from one item for one reader: the clearance rule decides what each of them reads.
ITEM_KINDS = [
    kind
    for kind, rule in NOTICES.items()
    if rule.redaction in (Redaction.CLEARANCE, Redaction.ALWAYS)
    and rule.audience not in (Audience.CHANNEL, Audience.EXTERNAL)
]
# Not about one item's title: rendered for the office (cleared), with the facts the services name.
OTHER_SAMPLES: dict[NoticeKind, dict[str, Any]] = {
    NoticeKind.OWNER_GONE: {"gone": "U0STAFFB", "name": "陈静", "items": [_item()]},
    NoticeKind.CALENDAR_COMPUTED: {"year": 2027},
    NoticeKind.DELIVERY_FAILED: {
        "problem": "user",
        "person": "U0STAFFB",
        "number": "DB-2026-0003",
        "recipient": "U0STAFFB",
        "error": "account_inactive",
    },
    NoticeKind.LEDGER: {
        "rows": [],
        "names": {},
        "zone": ZoneInfo("Asia/Shanghai"),
        "today": date(2026, 12, 3),
        "label": None,
    },
    NoticeKind.RELEASED: {"by": "U0SUPER", "new": "U0STAFFB2"},
    NoticeKind.BULLETIN_DRAFT: {"bulletin": 7, "label": "周通报", "body": {"text": "周通报", "blocks": []}},
}


def test_every_item_kind_has_a_redaction_sample() -> None:
    assert set(ITEM_KINDS) == set(SAMPLES)


@pytest.mark.parametrize("kind", sorted(OTHER_SAMPLES))
def test_the_other_kinds_render_from_the_facts_the_services_name(kind: NoticeKind) -> None:
    office = Person("U0SUPER", "李娜", roles={Role.SUPERVISOR})
    item = _item() if NOTICES[kind].redaction is Redaction.PARTICIPANT else None
    body = Notifier(Settings()).render(kind, item, office, OTHER_SAMPLES[kind])
    assert body and all(v is not None for v in body.values())


def test_a_replaced_owner_reads_the_title_they_worked_on() -> None:
    gone = Person("U0STAFFA", "刘洋")  # no longer an owner of the confidential item
    body = repr(
        Notifier(Settings()).render(NoticeKind.RELEASED, _item(), gone, OTHER_SAMPLES[NoticeKind.RELEASED])
    )
    assert TITLE in body


@pytest.mark.parametrize("kind", ITEM_KINDS)
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
        # Where the title would stand: 🔒 and the number (or the corrections' own "confidential item").
        assert ":lock:" in body or t("zh", "fix.redacted") in body
