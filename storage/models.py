"""SQLAlchemy rows. Named *Row to keep them apart from the domain objects they store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT autoincrement on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC instants in and out on both dialects (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Duban stores aware UTC instants only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = UtcDateTime()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: Timestamp}


class UserRow(Base):
    __tablename__ = "users"
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    real_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # from users.info (users:read.email)
    locale: Mapped[str | None] = mapped_column(String(8))  # from Slack
    preferred_locale: Mapped[str | None] = mapped_column(String(8))  # chosen with /duban lang
    tz: Mapped[str | None] = mapped_column(String(64))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    refreshed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    quiet_hours: Mapped[str | None] = mapped_column(String(16))  # "22:00-08:00", the person's own time


class RoleRow(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_by: Mapped[str | None] = mapped_column(String(32))
    granted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # 'env': from DUBAN_LEADERS/SUPERVISORS/ADMINS, re-synced at every start; 'command': kept until revoked.
    source: Mapped[str] = mapped_column(String(16), default="command", server_default="command")


class DepartmentRow(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    head_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.user_id"))
    leader_user_id: Mapped[str | None] = mapped_column(String(32))  # 分管领导: escalations go here
    usergroup: Mapped[str | None] = mapped_column(String(32))  # a followed Slack user group (S…)
    # "file" (DUBAN_ORG_FILE, re-applied at every start) or "command"/"demo"
    source: Mapped[str] = mapped_column(String(16), default="command", server_default="command")
    removed_at: Mapped[datetime | None] = mapped_column(Timestamp)  # gone from the file; history kept


class DepartmentMemberRow(Base):
    __tablename__ = "department_members"
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True)


class AdminAuditRow(Base):
    """Who changed which role or department, when (commands and the organisation file alike)."""

    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(32))  # None: the organisation file at start
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # a user id or a department code
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class NumberCounterRow(Base):
    """Last issued sequence per year; incremented inside the assigning transaction (gap-free)."""

    __tablename__ = "number_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class ItemRow(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_items_year_seq"),
        Index("ix_items_state", "state"),
        Index("ix_items_current_due", "current_due"),
        Index("ix_items_next_urge_at", "next_urge_at"),
        Index("ix_items_assigner_id", "assigner_id"),
        Index("ix_items_state_current_due", "state", "current_due"),
        Index(
            "ix_items_parent_id",
            "parent_id",
            postgresql_where=text("parent_id IS NOT NULL"),
            sqlite_where=text("parent_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    requirements: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(24))
    assigner_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"))
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    original_due: Mapped[date] = mapped_column(Date)  # never changes: lateness is judged against it too
    current_due: Mapped[date] = mapped_column(Date)  # moved by approved extensions and returns
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    fyi: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp)
    completed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Idempotency of creation: a replayed command or a double-submitted modal carries the same key.
    request_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    # Urging schedule (the database is the source of truth): when the next rung is due.
    next_urge_at: Mapped[datetime | None] = mapped_column(Timestamp)
    urge_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)
    # regular | rectification (整改: closed-loop verification by the supervisor)
    kind: Mapped[str] = mapped_column(String(16), default="regular", server_default="regular")
    cadence: Mapped[str | None] = mapped_column(String(64))  # routine check-in cadence as typed
    urge_stage: Mapped[str | None] = mapped_column(String(24))  # the ladder rung reached
    urge_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_urged_at: Mapped[datetime | None] = mapped_column(Timestamp)
    escalated_at: Mapped[datetime | None] = mapped_column(Timestamp)
    health: Mapped[str | None] = mapped_column(String(16))  # on_track | at_risk | blocked (last answer)
    percent_done: Mapped[int | None] = mapped_column(Integer)
    return_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 退办次数
    approver_id: Mapped[str | None] = mapped_column(String(32))  # responsible leader (拟办呈批)
    reported_at: Mapped[datetime | None] = mapped_column(Timestamp)
    review_due: Mapped[date | None] = mapped_column(Date)  # the office's own one-working-day limit
    archived_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Register fields (登记要素): 收文日期, 文号, 立项依据.
    received_on: Mapped[date | None] = mapped_column(Date)
    doc_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    basis: Mapped[str] = mapped_column(Text, default="", server_default="")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class ItemOwnerRow(Base):
    __tablename__ = "item_owners"
    __table_args__ = (Index("ix_item_owners_user_id", "user_id", "item_id"),)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))  # lead | co
    position: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(Timestamp)


class ItemEventRow(Base):
    """Append-only: rows are inserted, never updated or deleted (the dossier 一事一卷)."""

    __tablename__ = "item_events"
    __table_args__ = (UniqueConstraint("item_id", "seq", name="uq_item_events_item_seq"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(Timestamp)
    actor_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SlackMessageRow(Base):
    """Where a message about an item landed in Slack (for threads, updates and replies)."""

    __tablename__ = "slack_messages"
    __table_args__ = (
        UniqueConstraint("channel", "ts", name="uq_slack_messages_channel_ts"),
        Index("ix_slack_messages_item", "item_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class OutboxRow(Base):
    """A Slack Web API call to make, written in the business transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    idem_key: Mapped[str] = mapped_column(String(200), unique=True)
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(Timestamp)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(Timestamp)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What to remember once sent: the item and purpose the message belongs to (thread capture, updates).
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    purpose: Mapped[str | None] = mapped_column(String(32))
    recipient_id: Mapped[str | None] = mapped_column(String(32))


class InboundRequestRow(Base):
    """Requests already handled (Events API event ids, request signatures): repeats are ignored."""

    __tablename__ = "inbound_requests"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(Timestamp, index=True)


class CalendarOverrideRow(Base):
    __tablename__ = "calendar_overrides"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime | None] = mapped_column(Timestamp)


class CalendarYearRow(Base):
    """A year an admin declared complete (its holidays entered as overrides)."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    confirmed_by: Mapped[str | None] = mapped_column(String(32))
    confirmed_at: Mapped[datetime | None] = mapped_column(Timestamp)


class SchedulerLockRow(Base):
    """Exactly-once claims for periodic jobs (e.g. one bulletin per kind and period)."""

    __tablename__ = "job_claims"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(Timestamp)
    done_at: Mapped[datetime | None] = mapped_column(Timestamp)


class UrgeRecordRow(Base):
    """One urging (催办) — the regulations' call log: who was chased, when, how, and what they answered."""

    __tablename__ = "urge_records"
    __table_args__ = (Index("ix_urge_records_item", "item_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    # checkin | repeat | due | notice | escalation | manual | call
    rung: Mapped[str] = mapped_column(String(24))
    round: Mapped[int] = mapped_column(Integer, default=0)
    idem_key: Mapped[str] = mapped_column(String(200), unique=True)  # one urging per (item, rung, round, day)
    scheduled_for: Mapped[datetime | None] = mapped_column(Timestamp)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    channel: Mapped[str] = mapped_column(String(16), default="slack_dm")  # slack_dm | phone | webhook | visit
    recipient_id: Mapped[str | None] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(String(32))  # None = the schedule
    note: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str | None] = mapped_column(String(24))
    answer_note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(Timestamp)
    answered_by: Mapped[str | None] = mapped_column(String(32))
    latency_seconds: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class ExtensionRequestRow(Base):
    __tablename__ = "extension_requests"
    __table_args__ = (Index("ix_extension_requests_item", "item_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    requester_id: Mapped[str] = mapped_column(String(32))
    requested_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | approved | refused
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    request_key: Mapped[str | None] = mapped_column(String(128), unique=True)


class ReportRow(Base):
    """A progress report (续报), a delay explanation or the final report (反馈)."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_item", "item_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # progress | final | delay | note
    percent: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(16))  # on_track | at_risk | blocked
    done: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    expected_date: Mapped[date | None] = mapped_column(Date)
    links: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="form")  # form | thread | urge_answer
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    request_key: Mapped[str | None] = mapped_column(String(128), unique=True)


class ReviewRow(Base):
    """The supervision office's review (审核) of a final report."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_item", "item_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    reviewer_id: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))  # approve | return
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reasons: Mapped[str] = mapped_column(Text, default="")
    new_due: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    request_key: Mapped[str | None] = mapped_column(String(128), unique=True)


class BulletinRow(Base):
    """One bulletin (通报) per kind and period: the unique row is the exactly-once claim."""

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("kind", "period_key", name="uq_bulletins_kind_period"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # week | month | quarter | year
    period_key: Mapped[str] = mapped_column(String(32))  # e.g. 2026-W48, 2026-11, 2026-Q4, 2026
    status: Mapped[str] = mapped_column(String(16), default="claimed")  # claimed | queued | posted
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    posted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    channel: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DossierRow(Base):
    """The archived dossier (一事一卷) of an item, kept so it can be fetched again."""

    __tablename__ = "dossiers"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    html: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    created_by: Mapped[str | None] = mapped_column(String(32))


class PacingRow(Base):
    """Slack pacing shared by every replica: when the next call on ``key`` may go (GCRA's theoretical
    arrival time, seconds since the epoch). Keys: ``method:<name>`` (workspace budget), ``rest:<name>``
    (a 429's Retry-After), ``channel:<id>`` (one message a second)."""

    __tablename__ = "pacing"
    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float, default=0.0)
