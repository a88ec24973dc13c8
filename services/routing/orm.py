"""Routing's tables; migrations/routing/versions must create exactly these."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

from shared.db import UTCDateTime
from shared.heartbeat import worker_heartbeats_table
from shared.inbox import processed_messages_table
from shared.outbox import outbox_table
from shared.revocation import revoked_tokens_table

metadata = MetaData()

bodies = Table(
    "bodies",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("level", String(20), nullable=False),
    Column("region", String(6), nullable=False),
    Column("parent_id", Uuid, ForeignKey("bodies.id"), nullable=True),
    Column("active", Boolean, nullable=False),
    # Jurisdiction lookups ask for a kind of body at a level and a region.
    Index("ix_bodies_kind_level_region", "kind", "level", "region"),
)

# The clue fields copied here are unbounded strings in the ClueReceived contract, so they are
# Text: a valid event must never fail to insert and end up dead-lettered.
routing_decisions = Table(
    "routing_decisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("clue_id", Uuid, nullable=False, unique=True),
    Column("receipt_number", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("lead_body_id", Uuid, ForeignKey("bodies.id"), nullable=True),
    Column("co_body_ids", JSON, nullable=False),
    Column("rule", String(120), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_at", UTCDateTime(), nullable=False),
    Column("category", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("summary", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("agency_id", Uuid, nullable=False),
    Column("agency_name", Text, nullable=False),
    # Kept so a reviewer's override can later publish ClueRouted without asking intake again.
    Column("subjects", JSON, nullable=False),
    # The review queue pages through one status in decision order.
    Index("ix_routing_decisions_status_decided", "status", "decided_at", "id"),
)

outbox = outbox_table(metadata)
inbox = processed_messages_table(metadata)
heartbeats = worker_heartbeats_table(metadata)
revoked_tokens = revoked_tokens_table(metadata)
