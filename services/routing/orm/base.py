"""The metadata, the shared delivery tables, and the append-only audit of every change."""

from sqlalchemy import JSON, Column, Index, MetaData, String, Table

from shared.db import BigId, UTCDateTime
from shared.heartbeat import worker_heartbeats_table
from shared.inbox import processed_messages_table
from shared.outbox import outbox_table
from shared.revocation import revoked_tokens_table
from shared.workdays.store import calendar_years_table

metadata = MetaData()

outbox = outbox_table(metadata)
inbox = processed_messages_table(metadata)
heartbeats = worker_heartbeats_table(metadata)
revoked_tokens = revoked_tokens_table(metadata)
calendar_years = calendar_years_table(metadata)

# Append-only: the migration adds triggers that refuse UPDATE and DELETE on both databases.
routing_audit = Table(
    "routing_audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_key", String(200), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_routing_audit_entity", "entity", "entity_key", "id"),
)
