"""The notification table: every kind of notice the bot sends, with its audience, its redaction rule,
its message builder and its idempotency key.

A kind's value is the ``purpose`` its outbox rows carry (urgings and trackers append the record id).
``builder`` is set for the kinds already sent through ``Notifier.send``; the others are still rendered
by the service named in ``sent_by`` and are moved one by one (the audience and redaction stated here
are what they do today, and what the move must keep).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.domain.items import Item
from messages import meetings as meeting_messages
from messages import notices
from messages import reports as report_messages
from messages import urging as urge_messages
from messages.view_models import Reader

Builder = Callable[[Item, Reader, dict[str, Any]], dict[str, Any]]


class Audience(StrEnum):
    """Who hears about it."""

    OWNERS = "owners"  # lead owner and co-owners (FYI recipients on a 转办单)
    LEAD_OWNER = "lead_owner"
    LEAD_AND_HEADS = "lead_and_heads"  # lead owner + head of each of the lead's departments
    RESPONSIBLE_LEADER_AND_OFFICE = "responsible_leader_and_office"  # assigner if a leader, else all
    LEADERS = "leaders"
    OFFICE = "office"  # the supervision office: every supervisor
    OFFICE_AND_ASSIGNER = "office_and_assigner"
    ASSIGNER = "assigner"
    ACTOR = "actor"  # the person who asked (a reply that cannot be ephemeral)
    SENDER = "sender"  # whoever sent the urging being tracked
    CHOSEN = "chosen"  # recipients picked by an overseer (urge again, coordinate)
    MESSAGE_OWNER = "message_owner"  # the reader of the message being updated in place
    REQUESTER = "requester"  # who asked for the extension, and the lead owner
    REPORTER = "reporter"  # author of the report
    CHANNEL = "channel"  # the bulletin channel: everyone in it
    EXTERNAL = "external"  # the escalation webhook (an SMS / voice gateway)


class Redaction(StrEnum):
    """What a recipient without clearance gets (``bot.domain.permissions.cleared``)."""

    CLEARANCE = "clearance"  # confidential: "🔒 a confidential item" + number unless cleared
    ALWAYS = "always"  # public: confidential items always by number only
    NOT_ITEM = "not_item"  # not about one item's title (calendar, delivery failures by number)
    ROWS = "rows"  # per row (the ledger): confidential titles only for a cleared requester


@dataclass(frozen=True, slots=True)
class NoticeRule:
    audience: Audience
    redaction: Redaction
    key: str  # idempotency key template: {item}, {user} and the caller's key arguments
    builder: Builder | None = None  # set once the kind is sent through the seam
    sent_by: str = "bot.notifications"  # where it is still rendered, until moved
    method: str = "chat.postMessage"


class NoticeKind(StrEnum):
    NOTICE = "notice"  # 督查通知单 / 转办单
    NOTICE_ACK = "notice_ack"
    ASSIGNED = "assigned"
    FYI_CLOSED = "fyi_closed"
    PROPOSAL = "proposal"  # 拟办呈批
    PROPOSAL_DECIDED = "proposal_decided"
    PROPOSAL_OUTCOME = "proposal_outcome"
    URGE_CHECKIN = "urge_checkin"
    URGE_REPEAT = "urge_repeat"
    URGE_DUE = "urge_due"
    URGE_NOTICE = "urge_notice"  # 书面催办通知
    URGE_ESCALATION = "urge_escalation"
    URGE_MANUAL = "urge_manual"
    URGE_ANSWERED = "urge_answered"
    TRACKER = "tracker"
    TRACKER_UPDATE = "tracker_update"
    WEBHOOK = "webhook"
    EXTENSION = "extension"
    EXTENSION_DECIDED = "extension_decided"
    BLOCKED_ALERT = "blocked_alert"
    COORDINATION = "coordination_called"  # 领导协调: the owners are told
    REPORT_RECEIVED = "report_received"
    REVIEW_REQUEST = "review_request"
    CO_PART_DONE = "co_part_done"
    NOTE_ACK = "note_ack"
    REVIEW_OVERDUE = "review_overdue"
    RETURNED = "returned"
    REVIEW_DONE = "review_done"
    COMPLETED = "completed"
    FEEDBACK = "feedback"  # 督查反馈 to leaders
    INSTRUCTED = "instructed"
    BULLETIN = "bulletin"
    BULLETIN_CHART = "bulletin_chart"
    DOSSIER = "dossier"
    LEDGER = "ledger"
    CALENDAR_COMPUTED = "calendar_computed"
    DELIVERY_FAILED = "delivery_failed"
    MODAL_ANSWER = "modal_answer"  # services.notify: the answer to a modal
    WITHDRAWN = "withdrawn"  # 撤销: the owners are told
    NOTICE_WITHDRAWN = "notice_withdrawn"  # 撤销: each owner's notice updated in place
    EDIT_CONFIRMED = "edit_confirmed"  # 修改: the editor's own record of the change
    ESCALATION_SETTLED = "escalation_settled"  # the owner answered: escalation DMs updated in place
    EDITED = "edited"  # 修改: the owners (deadline or requirements changed) and the editor
    RELEASED = "released"  # 改派: the owner who was replaced
    OWNER_GONE = "owner_gone"  # a deactivated owner: the office is asked to reassign
    PROPOSAL_WAITING = "proposal_waiting"  # leaders reminded of proposals awaiting them
    EXTENSION_WAITING = "extension_waiting"  # the office reminded of undecided extensions
    MEETING = "meeting_recorded"  # 协调会: each attendee is told it is in the dossier


def _urge(render: Callable[..., dict[str, Any]]) -> Builder:
    return lambda item, reader, data: render(item, reader, data["record"], **data.get("extra", {}))


def _record(item: Item, reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The urging message an urge record stands for (re-sent, or stamped once answered)."""
    return urge_messages.for_record(
        item, reader, data["record"], overdue_days=data["overdue_days"], by=data.get("by")
    )


C, A, N = Redaction.CLEARANCE, Redaction.ALWAYS, Redaction.NOT_ITEM
URGE_KEY = "urge:{idem_key}"

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
    NoticeKind.ASSIGNED: NoticeRule(Audience.ACTOR, C, "assigned:{item}", sent_by="bot.services.assign"),
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
        Audience.EXTERNAL, A, "webhook:{item}:{plan}", sent_by="bot.services.urging", method="webhook.post"
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
        Audience.CHANNEL, N, "note-ack:{channel}:{ts}", sent_by="bot.services.reports", method="reactions.add"
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
    NoticeKind.BULLETIN: NoticeRule(
        Audience.CHANNEL, A, "bulletin:{kind}:{period}", sent_by="bot.services.bulletins"
    ),
    NoticeKind.BULLETIN_CHART: NoticeRule(
        Audience.CHANNEL,
        A,
        "bulletin-chart:{kind}:{period}",
        sent_by="bot.services.bulletins",
        method="files.uploadV2",
    ),
    NoticeKind.DOSSIER: NoticeRule(
        Audience.ACTOR, C, "dossier:{item}:{user}", sent_by="bot.services.archive", method="files.uploadV2"
    ),
    NoticeKind.LEDGER: NoticeRule(
        Audience.ACTOR,
        Redaction.ROWS,
        "ledger:{user}:{at}",
        sent_by="bot.services.archive",
        method="files.uploadV2",
    ),
    NoticeKind.CALENDAR_COMPUTED: NoticeRule(
        Audience.OFFICE, N, "calendar-computed:{year}:{user}", sent_by="bot.services.calendar_admin"
    ),
    NoticeKind.DELIVERY_FAILED: NoticeRule(
        Audience.OFFICE, N, "delivery_failed:{send}:{user}", sent_by="bot.services.delivery"
    ),
    NoticeKind.MODAL_ANSWER: NoticeRule(Audience.ACTOR, C, "notify:{key}", sent_by="bot.services"),
    NoticeKind.WITHDRAWN: NoticeRule(
        Audience.OWNERS, C, "withdrawn:{item}:{user}", sent_by="bot.services.corrections"
    ),
    NoticeKind.NOTICE_WITHDRAWN: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "notice-withdrawn:{item}:{user}",
        sent_by="bot.services.corrections",
        method="chat.update",
    ),
    NoticeKind.EDIT_CONFIRMED: NoticeRule(
        Audience.ACTOR, C, "edited-by:{item}:{version}", sent_by="bot.services.corrections"
    ),
    NoticeKind.ESCALATION_SETTLED: NoticeRule(
        Audience.MESSAGE_OWNER,
        C,
        "escalation-settled:{record}",
        sent_by="bot.services.follow_through",
        method="chat.update",
    ),
    NoticeKind.EDITED: NoticeRule(
        Audience.OWNERS, C, "edited:{item}:{version}:{user}:{key}", sent_by="bot.services.corrections"
    ),
    NoticeKind.RELEASED: NoticeRule(
        Audience.CHOSEN, C, "released:{item}:{user}:r{seq}", sent_by="bot.services.corrections"
    ),
    NoticeKind.OWNER_GONE: NoticeRule(
        Audience.OFFICE, C, "owner-gone:{gone}:{user}:{key}", sent_by="bot.services.corrections"
    ),
    NoticeKind.PROPOSAL_WAITING: NoticeRule(
        Audience.LEADERS, C, "proposal-waiting:{item}:{day}:{user}", sent_by="bot.services.follow_through"
    ),
    NoticeKind.EXTENSION_WAITING: NoticeRule(
        Audience.OFFICE, C, "extension-waiting:{request}:{day}:{user}", sent_by="bot.services.follow_through"
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
