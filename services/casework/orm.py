"""Casework's tables; migrations/casework/env.py compares the migrations with this metadata."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from shared.db import BigId, UTCDateTime
from shared.heartbeat import worker_heartbeats_table
from shared.inbox import processed_messages_table
from shared.outbox import outbox_table
from shared.revocation import revoked_tokens_table
from shared.workdays.store import calendar_years_table

metadata = MetaData()

# The aggregate is `document` (clocks, letters, findings, items, transfers...); the columns
# beside it are what inboxes, filters, statistics and the scheduled check query.
assignments = Table(
    "assignments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("clue_id", Uuid, nullable=False),
    Column("body_id", Uuid, nullable=False),
    Column("role", String(8), nullable=False),
    Column("state", String(32), nullable=False),
    Column("receipt_number", String(64), nullable=False),
    Column("category", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("summary", Text, nullable=False),
    Column("region", String(12), nullable=False),
    Column("subjects", JSON, nullable=False),
    Column("decision_id", Uuid, nullable=False),
    Column("assigned_at", UTCDateTime(), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", JSON, nullable=False),
    # The earliest deadline of a running clock or open item (2100-01-01 when there is none).
    Column("next_due_at", UTCDateTime(), nullable=False),
    # The earliest deadline not yet reported overdue: what the scheduled check looks for.
    Column("alarm_at", UTCDateTime(), nullable=True),
    Column("escalated_at", UTCDateTime(), nullable=True),
    Column("provisional", Boolean, nullable=False),
    Column("disposition", String(32), nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("received_month", String(7), nullable=False),
    Column("concluded_month", String(7), nullable=True),
    Column("handed_off_to", Uuid, nullable=True),
    Column("repeat_of_concluded", Boolean, nullable=False),
    # FLOWS.md: one assignment per (decision, body); a redelivered decision creates nothing.
    UniqueConstraint("decision_id", "body_id", name="uq_assignments_decision_body"),
    CheckConstraint("role IN ('lead', 'co')", name="ck_assignments_role"),
    Index("ix_assignments_body_assigned", "body_id", "assigned_at", "id"),
    Index("ix_assignments_body_state_assigned", "body_id", "state", "assigned_at", "id"),
    Index("ix_assignments_body_due", "body_id", "next_due_at", "id"),
    Index("ix_assignments_clue", "clue_id"),
    Index("ix_assignments_alarm", "alarm_at"),
)

notes = Table(
    "assignment_notes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assignment_id", Uuid, nullable=False),
    Column("clue_id", Uuid, nullable=False),
    Column("body_id", Uuid, nullable=False),
    Column("author", String(200), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("text", Text, nullable=False),
    Column("visibility", String(10), nullable=False),
    Index("ix_assignment_notes_assignment", "assignment_id", "at"),
)

# One hash chain over every action on every assignment (audit/chain.py has the format).
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("assignment_id", Uuid, nullable=False),
    Column("body_id", Uuid, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_assignment", "assignment_id", "seq"),
)

# The chain's last link: a deleted tail shows as a head the rows no longer reach. Locked by
# every writing transaction first, so links are added one transaction at a time.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_checks = Table(
    "audit_checks",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("checked_at", UTCDateTime(), nullable=False),
    Column("entries", BigInteger, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("broken_seq", BigInteger, nullable=True),
    Column("reason", String(200), nullable=True),
)

outbox = outbox_table(metadata)
inbox = processed_messages_table(metadata)
calendar_years = calendar_years_table(metadata)
heartbeats = worker_heartbeats_table(metadata)
revoked_tokens = revoked_tokens_table(metadata)
