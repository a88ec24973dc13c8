"""Intake's tables. Imported by migrations/intake/env.py."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from shared.db import BigId, UTCDateTime
from shared.inbox import processed_messages_table
from shared.outbox import outbox_table

metadata = MetaData()

agencies = Table(
    "agencies",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("credit_code", String(18), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(12), primary_key=True),
    Column("agency_id", Uuid, ForeignKey("agencies.id"), nullable=False, index=True),
    Column("key_hash", String(64), nullable=False),
    Column("label", String(100), nullable=False, default=""),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("agency_id", Uuid, ForeignKey("agencies.id"), nullable=False),
    Column("receipt_number", String(24), nullable=False, unique=True),
    Column("idempotency_key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status", String(30), nullable=False),
    Column("status_at", UTCDateTime(), nullable=False),
    Column("body_id", Uuid, nullable=True),
    Column("body_name", String(200), nullable=True),
    Column("category", String(40), nullable=False),
    Column("topics", JSON, nullable=False),
    Column("channel", String(40), nullable=False),
    Column("summary", String(500), nullable=False),
    Column("facts", Text, nullable=False),
    Column("amount", Numeric(18, 2), nullable=True),
    Column("period", JSON, nullable=True),
    Column("region", String(6), nullable=False),
    Column("subjects", JSON, nullable=False),
    Column("attachments", JSON, nullable=False),
    Column("reporter_key_id", String(40), nullable=True),
    Column("reporter_sealed", LargeBinary, nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("outcome_summary", Text, nullable=True),
    Column("received_at", UTCDateTime(), nullable=False),
    UniqueConstraint("agency_id", "idempotency_key", name="uq_referrals_agency_idempotency"),
    Index("ix_referrals_agency_received", "agency_id", "received_at"),
)

referral_timeline = Table(
    "referral_timeline",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("referral_id", Uuid, ForeignKey("referrals.id"), nullable=False, index=True),
    Column("status", String(30), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("body_id", Uuid, nullable=True),
    Column("body_name", String(200), nullable=True),
    Column("note", Text, nullable=True),
    Column("sequence", Integer, nullable=False, default=0),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(80), nullable=False),
    Column("target", String(200), nullable=False),
    Column("reason", Text, nullable=True),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_log_target", "target"),
)

outbox = outbox_table(metadata)
inbox = processed_messages_table(metadata)
