"""Reconciliation runs and what each found: the office's ledger of cross-checks (台账)."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from services.routing.orm.base import metadata
from shared.db import BigId, UTCDateTime

reconciliation_runs = Table(
    "reconciliation_runs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("trigger", String(20), nullable=False),  # schedule, api, cli
    Column("requested_by", String(200), nullable=False),
    Column("status", String(20), nullable=False),  # requested, running, completed, failed
    Column("window_first", Date, nullable=True),
    Column("window_last", Date, nullable=True),
    Column("repair", Boolean, nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("started_at", UTCDateTime(), nullable=True),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("clues", Integer, nullable=True),
    Column("in_flight", Integer, nullable=True),
    # Per class: found, repair_requested, repair_failed; and the previous run's repairs checked.
    Column("counts", JSON, nullable=False),
    Column("verification", JSON, nullable=False),
    # Per body: assigned, signed for, disposed, concluded, overdue (casework), as of the run.
    Column("bodies", JSON, nullable=False),
    Column("error", Text, nullable=True),
    Index("ix_reconciliation_runs_status", "status", "requested_at"),
    Index("ix_reconciliation_runs_started", "started_at"),
)

reconciliation_discrepancies = Table(
    "reconciliation_discrepancies",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("run_id", Uuid, ForeignKey("reconciliation_runs.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("detail", String(40), nullable=False),
    Column("clue_id", Uuid, nullable=True),
    Column("receipt_number", Text, nullable=True),
    Column("region", String(12), nullable=True),
    Column("body_ids", JSON, nullable=False),
    Column("note", Text, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("repair", JSON, nullable=True),  # owner, topic, mode, match, event_id
    Column("repair_status", String(20), nullable=False),
    Column("repair_event_ids", JSON, nullable=False),
    Column("repair_reason", Text, nullable=True),
    Column("verified_by", Uuid, nullable=True),
    Column("verified_at", UTCDateTime(), nullable=True),
    Index("ix_reconciliation_discrepancies_run", "run_id", "id"),
    Index("ix_reconciliation_discrepancies_clue", "clue_id"),
)
