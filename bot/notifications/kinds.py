"""The vocabulary of the notification table: kinds of notice, audiences, redaction rules, and a rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.domain.items import Item
from bot.domain.read_models import Reader

# (the item as the reader may read it — None for a notice not about one item, the reader, the facts)
Builder = Callable[[Item | None, Reader, dict[str, Any]], dict[str, Any]]


class Audience(StrEnum):
    """Who hears about it."""

    OWNERS = "owners"  # lead owner and co-owners (FYI recipients on a 转办单)
    LEAD_OWNER = "lead_owner"
    LEAD_AND_HEADS = "lead_and_heads"  # lead owner + head of each of the lead's departments
    RESPONSIBLE_LEADER_AND_OFFICE = "responsible_leader_and_office"  # assigner if a leader, else all
    LEADERS = "leaders"
    OFFICE = "office"  # the supervision office: every active supervisor
    EVERY_SUPERVISOR = "every_supervisor"  # deactivated too: Slack refuses, and the outbox says so
    ADMINS_AND_OFFICE = "admins_and_office"  # every admin and supervisor
    OFFICE_AND_ASSIGNER = "office_and_assigner"
    ASSIGNER = "assigner"
    ACTOR = "actor"  # the person who asked (a reply that cannot be ephemeral)
    SENDER = "sender"  # whoever sent the urging being tracked
    CHOSEN = "chosen"  # recipients the event names (urge again, the owner asked, the owner replaced)
    MESSAGE_OWNER = "message_owner"  # the reader of the message being updated in place
    REQUESTER = "requester"  # who asked for the extension, and the lead owner
    REPORTER = "reporter"  # author of the report
    CHANNEL = "channel"  # the bulletin channel, or the thread a note was left in: everyone in it
    EXTERNAL = "external"  # the escalation webhook (an SMS / voice gateway)


class Redaction(StrEnum):
    """What a recipient without clearance gets (``bot.domain.permissions.cleared``)."""

    CLEARANCE = "clearance"  # confidential: "🔒 a confidential item" + number unless cleared
    ALWAYS = "always"  # public: confidential items always by number only
    PARTICIPANT = "participant"  # the recipient took part (an owner just replaced): told in full
    NOT_ITEM = "not_item"  # not about one item's title (calendar, delivery failures by number)
    ROWS = "rows"  # per row (the ledger): confidential titles only for a cleared requester
    PRERENDERED = "prerendered"  # the answer to the actor's own form, rendered by the handler


@dataclass(frozen=True, slots=True)
class NoticeRule:
    audience: Audience
    redaction: Redaction
    key: str  # idempotency key template: {item}, {user} and the caller's key arguments
    builder: Builder
    method: str = "chat.postMessage"
    purpose: str | None = ""  # the outbox row's purpose: "" = the kind's value, None = untagged


class NoticeKind(StrEnum):
    NOTICE = "notice"  # 督查通知单 / 转办单
    NOTICE_ACK = "notice_ack"
    HANDED_OVER = "handed_over"  # 改派: the new owner's notice (purpose "notice", like any notice)
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
    URGE_ACK = "urge_ack"  # 一督到底: please acknowledge the notice
    URGE_PROGRESS = "urge_progress"  # 一督到底: a 续报 after a delay report
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
    MODAL_ANSWER = "modal_answer"  # the answer to a modal (a DM: a form has no channel)
    WITHDRAWN = "withdrawn"  # 撤销: the owners are told
    NOTICE_WITHDRAWN = "notice_withdrawn"  # 撤销: each owner's notice updated in place
    EDIT_CONFIRMED = "edit_confirmed"  # 修改: the editor's own record of the change
    ESCALATION_SETTLED = "escalation_settled"  # the owner answered: escalation DMs updated in place
    EDITED = "edited"  # 修改: the owners (deadline or requirements changed) and the editor
    RELEASED = "released"  # 改派: the owner who was replaced
    OWNER_GONE = "owner_gone"  # a deactivated owner: the office is asked to reassign
    PROPOSAL_WAITING = "proposal_waiting"  # leaders reminded of proposals awaiting them
    EXTENSION_WAITING = "extension_waiting"  # the office reminded of undecided extensions
    BULLETIN_DRAFT = "bulletin_draft"  # DUBAN_BULLETIN_SIGNOFF: the draft to the principal leader
    PROPOSAL_REVIEW = "proposal_review"  # two-level 拟办呈批: the unit's 分管领导 reviews first
    PROPOSAL_REVIEWED = "proposal_reviewed"  # the reviewer's copy restamped once agreed
    PROPOSAL_FORWARDED = "proposal_forwarded"  # the proposer told: reviewed, now with the principal
    PROPOSAL_REJECTED = "proposal_rejected"  # the proposer told why it was not approved
    PROPOSAL_REJECTED_STAMP = "proposal_rejected_stamp"  # each decider's copy restamped with the reason
    MEETING = "meeting_recorded"  # 协调会: each attendee is told it is in the dossier
