"""reconciliation runs and their discrepancies; outbox rows found by their clue

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reconciliation_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("window_first", sa.Date(), nullable=True),
        sa.Column("window_last", sa.Date(), nullable=True),
        sa.Column("repair", sa.Boolean(), nullable=False),
        sa.Column("requested_at", UTC_DATETIME, nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=True),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("clues", sa.Integer(), nullable=True),
        sa.Column("in_flight", sa.Integer(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("verification", sa.JSON(), nullable=False),
        sa.Column("bodies", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_reconciliation_runs_status", "reconciliation_runs", ["status", "requested_at"]
    )
    op.create_index("ix_reconciliation_runs_started", "reconciliation_runs", ["started_at"])
    op.create_table(
        "reconciliation_discrepancies",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.Uuid(), sa.ForeignKey("reconciliation_runs.id"), nullable=False
        ),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(40), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=True),
        sa.Column("receipt_number", sa.Text(), nullable=True),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("body_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("repair", sa.JSON(), nullable=True),
        sa.Column("repair_status", sa.String(20), nullable=False),
        sa.Column("repair_event_ids", sa.JSON(), nullable=False),
        sa.Column("repair_reason", sa.Text(), nullable=True),
        sa.Column("verified_by", sa.Uuid(), nullable=True),
        sa.Column("verified_at", UTC_DATETIME, nullable=True),
    )
    op.create_index(
        "ix_reconciliation_discrepancies_run", "reconciliation_discrepancies", ["run_id", "id"]
    )
    op.create_index(
        "ix_reconciliation_discrepancies_clue", "reconciliation_discrepancies", ["clue_id"]
    )
    op.create_index(
        "ix_outbox_messages_key_topic", "outbox_messages", ["message_key", "topic"]
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_key_topic", table_name="outbox_messages")
    op.drop_table("reconciliation_discrepancies")
    op.drop_table("reconciliation_runs")
