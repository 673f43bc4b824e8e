"""The notification table: every kind of notice the bot sends, with its audience, its redaction rule,
its message builder and its idempotency key.

A kind's value is the ``purpose`` its outbox rows carry unless the rule says otherwise (urgings and
trackers append the record id). Every send of a service goes through ``Notifier.send``/``send_all``
with a kind from here and the facts; nothing in ``bot.services`` renders a message or picks a reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.items import Item
from bot.domain.read_models import Reader
from bot.notifications import builders
from bot.notifications.kinds import Audience, Builder, NoticeKind, NoticeRule, Redaction
from messages import approval as approval_messages
from messages import corrections as correction_messages
from messages import follow_through as follow_messages
from messages import meetings as meeting_messages
from messages import notices
from messages import reports as report_messages
from messages import signoff as signoff_messages
from messages import urging as urge_messages


def _urge(render: Callable[..., dict[str, Any]]) -> Builder:
    return lambda item, reader, data: render(item, reader, data["record"], **data.get("extra", {}))


def _record(item: Item, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The urging message an urge record stands for (re-sent, or stamped once answered)."""
    return urge_messages.for_record(
        item, reader, data["record"], overdue_days=data["overdue_days"], by=data.get("by")
    )


C, A, N = Redaction.CLEARANCE, Redaction.ALWAYS, Redaction.NOT_ITEM
URGE_KEY = "urge:{idem_key}"
UPLOAD = "files.uploadV2"

NOTICES: dict[NoticeKind, NoticeRule] = {
    NoticeKind.NOTICE: NoticeRule(
        Audience.OWNERS, C, "notice:{item}:{user}", lambda i, r, d: notices.notice(i, r, d["tz"])
    ),
    NoticeKind.NOTICE_ACK: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "notice-ack:{item}:{user}",
        lambda i, r, d: notices.acknowledged_notice(i, r, d["tz"], d["at"]),
        method="chat.update",
    ),
    NoticeKind.HANDED_OVER: NoticeRule(
        Audience.CHOSEN,
        C,
        "notice:{item}:{user}:r{seq}",
        lambda i, r, d: notices.notice(i, r, d["tz"]),
        purpose=NoticeKind.NOTICE.value,
    ),
    NoticeKind.ASSIGNED: NoticeRule(Audience.ACTOR, C, "assigned:{item}", builders.assigned),
    NoticeKind.FYI_CLOSED: NoticeRule(
        Audience.ASSIGNER, C, "fyi-closed:{item}", lambda i, r, d: report_messages.fyi_closed(r, i)
    ),
    NoticeKind.PROPOSAL: NoticeRule(
        Audience.LEADERS,
        C,
        "proposal:{item}:{user}",
        lambda i, r, d: report_messages.proposal(r, i, d["tz"]),
    ),
    NoticeKind.PROPOSAL_DECIDED: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "proposal-decided:{item}:{user}",
        lambda i, r, d: report_messages.proposal_decided(r, i, d["approved"], d["by"], d["at"], d["tz"]),
        method="chat.update",
    ),
    NoticeKind.PROPOSAL_OUTCOME: NoticeRule(
        Audience.ASSIGNER,
        C,
        "proposal-outcome:{item}",
        lambda i, r, d: report_messages.proposal_outcome(r, i, d["approved"], d["by"]),
    ),
    NoticeKind.URGE_CHECKIN: NoticeRule(Audience.LEAD_OWNER, C, URGE_KEY, _urge(urge_messages.checkin)),
    NoticeKind.URGE_REPEAT: NoticeRule(Audience.LEAD_OWNER, C, URGE_KEY, _urge(urge_messages.checkin)),
    NoticeKind.URGE_DUE: NoticeRule(Audience.OWNERS, C, URGE_KEY, _urge(urge_messages.due_reminder)),
    NoticeKind.URGE_NOTICE: NoticeRule(
        Audience.LEAD_AND_HEADS, C, URGE_KEY, _urge(urge_messages.written_notice)
    ),
    NoticeKind.URGE_ESCALATION: NoticeRule(
        Audience.RESPONSIBLE_LEADER_AND_OFFICE, C, URGE_KEY, _urge(urge_messages.escalation)
    ),
    NoticeKind.URGE_MANUAL: NoticeRule(Audience.CHOSEN, C, URGE_KEY, lambda i, r, d: _record(i, r, d)),
    NoticeKind.URGE_ACK: NoticeRule(
        Audience.CHOSEN, C, URGE_KEY, lambda i, r, d: follow_messages.ack_request(r, i, d["days"])
    ),
    NoticeKind.URGE_PROGRESS: NoticeRule(
        Audience.LEAD_OWNER, C, URGE_KEY, lambda i, r, d: follow_messages.progress_request(r, i, d["days"])
    ),
    NoticeKind.URGE_ANSWERED: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "urge-answered:{record}",
        lambda i, r, d: urge_messages.answered(_record(i, r, d), r, d["record"]),
        method="chat.update",
    ),
    NoticeKind.TRACKER: NoticeRule(
        Audience.SENDER,
        C,
        "tracker:{record}:{user}",
        lambda i, r, d: urge_messages.tracker(r, i, d["records"]),
    ),
    NoticeKind.TRACKER_UPDATE: NoticeRule(
        Audience.SENDER,
        C,
        "tracker-update:{record}:{answered}:{at}",
        lambda i, r, d: urge_messages.tracker(r, i, d["records"]),
        method="chat.update",
    ),
    NoticeKind.WEBHOOK: NoticeRule(
        Audience.EXTERNAL, A, "webhook:{item}:{plan}", builders.as_given, method="webhook.post"
    ),
    NoticeKind.EXTENSION: NoticeRule(
        Audience.OFFICE,
        C,
        "extension:{request}:{user}",
        lambda i, r, d: urge_messages.extension_for_office(r, i, d["request"], **d["extra"]),
    ),
    NoticeKind.EXTENSION_DECIDED: NoticeRule(
        Audience.REQUESTER,
        C,
        "extension-decided:{request}:{user}",
        lambda i, r, d: urge_messages.extension_decided(r, i, d["request"], d["old"]),
    ),
    NoticeKind.BLOCKED_ALERT: NoticeRule(
        Audience.OFFICE_AND_ASSIGNER,
        C,
        "blocked:{item}:{at}:{user}",
        lambda i, r, d: urge_messages.office_note(r, i, "blocked_alert", d["who"]),
    ),
    NoticeKind.COORDINATION: NoticeRule(
        Audience.OWNERS,
        C,
        "coordination:{item}:{occasion}:{user}",
        lambda i, r, d: urge_messages.office_note(r, i, "coordination_called", d["who"]),
    ),
    NoticeKind.REPORT_RECEIVED: NoticeRule(
        Audience.REPORTER,
        C,
        "report-received:{report}",
        lambda i, r, d: report_messages.report_received(r, i, d["report"], co=d["co"], again=False),
    ),
    NoticeKind.REVIEW_REQUEST: NoticeRule(
        Audience.OFFICE,
        C,
        "review-request:{item}:{report}:{user}",
        lambda i, r, d: report_messages.review_request(r, i, d["report"]),
    ),
    NoticeKind.CO_PART_DONE: NoticeRule(
        Audience.LEAD_OWNER,
        C,
        "co-part-done:{report}",
        lambda i, r, d: report_messages.co_part_done(r, i, d["by"]),
    ),
    NoticeKind.NOTE_ACK: NoticeRule(
        Audience.CHANNEL,
        N,
        "note-ack:{channel}:{ts}",
        builders.as_given,
        method="reactions.add",
        purpose=None,
    ),
    NoticeKind.REVIEW_OVERDUE: NoticeRule(
        Audience.OFFICE,
        C,
        "review-overdue:{item}:{day}:{user}",
        lambda i, r, d: report_messages.review_overdue(r, i, i.review_due),
    ),
    NoticeKind.RETURNED: NoticeRule(
        Audience.OWNERS,
        C,
        "returned:{review}:{user}",
        lambda i, r, d: report_messages.returned_notice(r, i, d["reviewer"], d["reasons"], d["tz"]),
    ),
    NoticeKind.REVIEW_DONE: NoticeRule(
        Audience.ACTOR,
        C,
        "review-done:{review}",
        lambda i, r, d: report_messages.review_done(r, i, d["decision"], again=False),
    ),
    NoticeKind.COMPLETED: NoticeRule(
        Audience.OWNERS,
        C,
        "completed:{review}:{user}",
        lambda i, r, d: report_messages.completed_owner(r, i, d["reviewer"]),
    ),
    NoticeKind.FEEDBACK: NoticeRule(
        Audience.LEADERS,
        C,
        "feedback:{review}:{user}",
        lambda i, r, d: report_messages.feedback(
            r, i, d["report"], d["reviewer"], d["timely"], d["reported_on"]
        ),
    ),
    NoticeKind.INSTRUCTED: NoticeRule(
        Audience.OWNERS,
        C,
        "instructed:{item}:{seq}:{user}",
        lambda i, r, d: report_messages.instructed_notice(r, i, d["by"], d["text"], d["tz"]),
    ),
    NoticeKind.BULLETIN: NoticeRule(Audience.CHANNEL, A, "bulletin:{kind}:{period}", builders.bulletin),
    NoticeKind.BULLETIN_CHART: NoticeRule(
        Audience.CHANNEL, A, "bulletin-chart:{kind}:{period}", builders.bulletin_chart, method=UPLOAD
    ),
    NoticeKind.BULLETIN_DRAFT: NoticeRule(
        Audience.LEADERS,  # the principal leader (DUBAN_PRINCIPAL_LEADER), else every leader
        N,  # the channel's own text, already redacted for the channel: no item's title of its own
        "bulletin-draft:{bulletin}:{user}",
        lambda i, r, d: signoff_messages.draft_message(r, d["bulletin"], d["label"], d["body"]),
    ),
    NoticeKind.DOSSIER: NoticeRule(
        Audience.ACTOR, C, "dossier:{item}:{user}{again}", builders.dossier_upload, method=UPLOAD
    ),
    NoticeKind.LEDGER: NoticeRule(
        Audience.ACTOR, Redaction.ROWS, "ledger:{user}:{at}", builders.ledger_upload, method=UPLOAD
    ),
    NoticeKind.CALENDAR_COMPUTED: NoticeRule(
        Audience.ADMINS_AND_OFFICE, N, "calendar-computed:{year}:{user}", builders.calendar_computed
    ),
    NoticeKind.DELIVERY_FAILED: NoticeRule(
        Audience.EVERY_SUPERVISOR, N, "delivery_failed:{problem}:{user}", builders.delivery_failed
    ),
    NoticeKind.MODAL_ANSWER: NoticeRule(
        Audience.ACTOR, Redaction.PRERENDERED, "notify:{key}", builders.as_given, purpose=None
    ),
    NoticeKind.WITHDRAWN: NoticeRule(
        Audience.OWNERS,
        C,
        "withdrawn:{item}:{user}",
        lambda i, r, d: correction_messages.withdrawn_notice(r, i, d["reason"], d["by"]),
    ),
    NoticeKind.NOTICE_WITHDRAWN: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "notice-withdrawn:{item}:{user}",
        lambda i, r, d: correction_messages.withdrawn_card(i, r, d["tz"], d["reason"]),
        method="chat.update",
    ),
    NoticeKind.EDIT_CONFIRMED: NoticeRule(
        Audience.ACTOR,
        C,
        "edited-by:{item}:{version}",
        lambda i, r, d: correction_messages.edited_reply(r, i, d["changes"]),
        purpose="edited",
    ),
    NoticeKind.ESCALATION_SETTLED: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "escalation-settled:{record}",
        lambda i, r, d: follow_messages.escalation_settled(r, i, d["by"], d["at"]),
        method="chat.update",
    ),
    NoticeKind.EDITED: NoticeRule(
        Audience.OWNERS,
        C,
        "edited:{item}:{version}:{user}:{key}",
        lambda i, r, d: correction_messages.edited_notice(r, i, d["changes"], d["by"]),
    ),
    NoticeKind.RELEASED: NoticeRule(
        Audience.CHOSEN,
        Redaction.PARTICIPANT,
        "released:{item}:{user}:r{seq}",
        lambda i, r, d: correction_messages.released_notice(r, i, d["by"], d["new"]),
    ),
    NoticeKind.OWNER_GONE: NoticeRule(
        Audience.OFFICE,
        N,
        "owner-gone:{gone}:{user}:{key}",
        lambda i, r, d: correction_messages.owner_gone(r, d["gone"], d["name"], d["items"]),
    ),
    NoticeKind.PROPOSAL_WAITING: NoticeRule(
        Audience.LEADERS,
        C,
        "proposal-waiting:{item}:{day}:{user}",
        lambda i, r, d: follow_messages.proposal_waiting(r, i, d["days"]),
    ),
    NoticeKind.PROPOSAL_REVIEW: NoticeRule(
        Audience.CHOSEN,  # the lead unit's 分管领导 (bot.services.approval_steps)
        C,
        "proposal-review:{item}:{user}",
        lambda i, r, d: approval_messages.review_request(r, i, d["tz"]),
    ),
    NoticeKind.PROPOSAL_REVIEWED: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "proposal-reviewed:{item}:{user}",
        lambda i, r, d: approval_messages.reviewed_stamp(r, i, d["by"], d["at"], d["tz"]),
        method="chat.update",
    ),
    NoticeKind.PROPOSAL_FORWARDED: NoticeRule(
        Audience.ASSIGNER,
        C,
        "proposal-forwarded:{item}",
        lambda i, r, d: approval_messages.forwarded(r, i, d["by"], d["principal"]),
    ),
    NoticeKind.PROPOSAL_REJECTED: NoticeRule(
        Audience.ASSIGNER,
        C,
        "proposal-rejected:{item}",
        lambda i, r, d: approval_messages.rejected(r, i, d["by"], d["reason"]),
    ),
    NoticeKind.PROPOSAL_REJECTED_STAMP: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "proposal-rejected-stamp:{item}:{user}",
        lambda i, r, d: approval_messages.rejected_stamp(r, i, d["by"], d["at"], d["reason"], d["tz"]),
        method="chat.update",
    ),
    NoticeKind.EXTENSION_WAITING: NoticeRule(
        Audience.OFFICE,
        C,
        "extension-waiting:{request}:{day}:{user}",
        lambda i, r, d: follow_messages.extension_waiting(r, i, d["request"], d["due"], d["days"]),
    ),
    NoticeKind.MEETING: NoticeRule(
        Audience.CHOSEN,
        C,
        "meeting:{item}:{seq}:{user}",
        lambda i, r, d: meeting_messages.meeting_notice(r, i, d),
    ),
}

URGE_KINDS = {
    "checkin": NoticeKind.URGE_CHECKIN,
    "repeat": NoticeKind.URGE_REPEAT,
    "due": NoticeKind.URGE_DUE,
    "notice": NoticeKind.URGE_NOTICE,
    "escalation": NoticeKind.URGE_ESCALATION,
}
