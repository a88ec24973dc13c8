"""The ledger (台账): each clue, every decision about it, returns, transfers, subject keys."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from services.routing.orm.base import metadata
from shared.db import UTCDateTime

# Text where the ClueReceived contract's strings are unbounded at this layer: a valid event must
# never fail to insert and end up dead-lettered.
clues = Table(
    "clues",
    metadata,
    Column("clue_id", Uuid, primary_key=True),
    Column("receipt_number", Text, nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("agency_id", Uuid, nullable=False),
    Column("agency_name", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("category", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    # The ClueReceived as it came, so a re-route evaluates the same facts without asking intake.
    Column("facts", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("status_sequence", Integer, nullable=False),
    Column("current_decision_id", Uuid, nullable=True),
    Column("lead_body_id", Uuid, nullable=True),
    Column("co_body_ids", JSON, nullable=False),
    Column("kept", JSON, nullable=True),
    Column("excluded_body_ids", JSON, nullable=False),
    Column("queued_at", UTCDateTime(), nullable=True),
    Column("pending_handoff_id", Uuid, nullable=True),
    Column("concluded_at", UTCDateTime(), nullable=True),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_clues_queue", "status", "queued_at", "clue_id"),
    Index("ix_clues_received", "received_at", "clue_id"),
)

routing_decisions = Table(
    "routing_decisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("clue_id", Uuid, ForeignKey("clues.clue_id"), nullable=False),
    Column("stage", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("lead_body_id", Uuid, ForeignKey("bodies.id"), nullable=True),
    Column("co_body_ids", JSON, nullable=False),
    Column("rules", JSON, nullable=False),
    Column("rule_set_version", String(64), nullable=True),
    Column("reason", Text, nullable=False),
    Column("sender_reason", Text, nullable=False),
    Column("decided_at", UTCDateTime(), nullable=False),
    Column("decided_by", String(200), nullable=True),
    Column("kept", JSON, nullable=True),
    Column("part", Text, nullable=True),
    Column("handoff_of", Uuid, nullable=True),
    Column("from_body_id", Uuid, nullable=True),
    # Two deciders racing for the same stage: one wins, the other reads again.
    UniqueConstraint("clue_id", "stage", name="uq_routing_decisions_clue_stage"),
)

clue_returns = Table(
    "clue_returns",
    metadata,
    Column("assignment_id", Uuid, primary_key=True),
    Column("clue_id", Uuid, ForeignKey("clues.clue_id"), nullable=False),
    Column("decision_id", Uuid, nullable=False),
    Column("body_id", Uuid, nullable=False),
    Column("role", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("returned_at", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("rerouted_as", Uuid, nullable=True),
    Index("ix_clue_returns_clue", "clue_id"),
)

transfers = Table(
    "transfers",
    metadata,
    Column("handoff_id", Uuid, primary_key=True),
    Column("clue_id", Uuid, ForeignKey("clues.clue_id"), nullable=False),
    Column("assignment_id", Uuid, nullable=False),
    Column("from_decision_id", Uuid, nullable=False),
    Column("from_body_id", Uuid, nullable=False),
    Column("target_body_id", Uuid, nullable=True),
    Column("target_name", Text, nullable=True),
    Column("mode", String(10), nullable=False),
    Column("kept_part", Text, nullable=True),
    Column("transferred_part", Text, nullable=True),
    Column("reason", Text, nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("status", String(20), nullable=False),
    Column("refusal", Text, nullable=True),
    Column("decision_id", Uuid, nullable=True),
    Column("to_body_id", Uuid, nullable=True),
    Column("due_on", Date, nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("acknowledged_at", UTCDateTime(), nullable=True),
    Column("acknowledged_assignment_id", Uuid, nullable=True),
    Index("ix_transfers_decision", "decision_id"),
    Index("ix_transfers_due", "status", "due_at"),
)

# Keys only (the keyed ID hash from intake, a hash of the normalised name and unit): enough to
# find the same person again without another copy of who they are.
subject_keys = Table(
    "subject_keys",
    metadata,
    Column("clue_id", Uuid, ForeignKey("clues.clue_id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("id_hash", String(128), nullable=True),
    Column("name_unit", String(64), nullable=False),
    PrimaryKeyConstraint("clue_id", "position"),
    Index("ix_subject_keys_id_hash", "id_hash"),
    Index("ix_subject_keys_name_unit", "name_unit"),
)
