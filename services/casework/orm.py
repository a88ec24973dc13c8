"""Casework's tables; migrations/casework/env.py compares the migrations with this metadata."""

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from shared.db import UTCDateTime
from shared.heartbeat import worker_heartbeats_table
from shared.inbox import processed_messages_table
from shared.outbox import outbox_table
from shared.revocation import revoked_tokens_table
from shared.workdays.store import calendar_years_table

metadata = MetaData()

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
    Column("sign_for_due_at", UTCDateTime(), nullable=False),
    Column("sign_for_due_provisional", Boolean, nullable=False),
    # The invariant "one assignment per (clue, body)" lives in the database, so a redelivered
    # or repeated routing decision can never create a second one.
    UniqueConstraint("clue_id", "body_id", name="uq_assignments_clue_body"),
    CheckConstraint("role IN ('lead', 'co')", name="ck_assignments_role"),
    # A body's inbox, newest first, optionally by state.
    Index("ix_assignments_body_assigned", "body_id", "assigned_at", "id"),
    Index("ix_assignments_body_state_assigned", "body_id", "state", "assigned_at", "id"),
)

outbox = outbox_table(metadata)
inbox = processed_messages_table(metadata)
calendar_years = calendar_years_table(metadata)
heartbeats = worker_heartbeats_table(metadata)
revoked_tokens = revoked_tokens_table(metadata)
