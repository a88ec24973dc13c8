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
    false,
    text,
)

from shared.db import BigId, UTCDateTime
from shared.heartbeat import worker_heartbeats_table
from shared.inbox import processed_messages_table
from shared.outbox import outbox_table
from shared.revocation import revoked_tokens_table

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
    # HMAC request signing: the secret is sealed (HMAC needs the plaintext, so no hash).
    Column("require_signature", Boolean, nullable=False, default=False, server_default=false()),
    Column("signing_key_id", String(40), nullable=True),
    Column("signing_secret", LargeBinary, nullable=True),
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
    # Released (set to NULL) once the idempotency window is over, so the key can be reused;
    # the unique constraint below is what makes one key one referral.
    Column("idempotency_key", String(200), nullable=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", String(30), nullable=False),
    Column("status_at", UTCDateTime(), nullable=False),
    # The current status's place in causal order (domain.ReferralStatus): stage, sequence.
    Column("status_stage", Integer, nullable=False, default=0, server_default="0"),
    Column("status_sequence", Integer, nullable=False, default=0, server_default="0"),
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
    # Only keys still inside their window: pruning finds the expired ones without a full scan.
    Index(
        "ix_referrals_idempotency_live",
        "received_at",
        postgresql_where=text("idempotency_key IS NOT NULL"),
        sqlite_where=text("idempotency_key IS NOT NULL"),
    ),
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

# Nonces of signed requests, kept past the acceptance window, so each is accepted once.
request_nonces = Table(
    "request_nonces",
    metadata,
    Column("agency_id", Uuid, ForeignKey("agencies.id"), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", UTCDateTime(), nullable=False),
)

# Callback URLs of an agency (services/intake/webhooks). The signing secret is sealed like the
# reporter: intake must present it to sign, so it cannot be stored as a one-way hash.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("agency_id", Uuid, ForeignKey("agencies.id"), nullable=False, index=True),
    Column("url", String(2000), nullable=False),
    Column("description", String(200), nullable=True),
    Column("secret_key_id", String(40), nullable=False),
    Column("secret_sealed", LargeBinary, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("secret_rotated_at", UTCDateTime(), nullable=True),
    Column("deleted_at", UTCDateTime(), nullable=True),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("webhook_id", Uuid, ForeignKey("webhooks.id"), nullable=False),
    Column("referral_id", Uuid, ForeignKey("referrals.id"), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("delivered_at", UTCDateTime(), nullable=True),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_log", "webhook_id", "created_at", "id"),
)

# Content received for a declared attachment; the bytes live in the content-addressed store.
# A row per (referral, index) is what lets an agency read content back: a hash alone is not proof.
attachment_contents = Table(
    "attachment_contents",
    metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.id"), primary_key=True),
    Column("attachment_index", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("uploaded_at", UTCDateTime(), nullable=False),
)

outbox = outbox_table(metadata)
inbox = processed_messages_table(metadata)
heartbeats = worker_heartbeats_table(metadata)
revoked_tokens = revoked_tokens_table(metadata)
