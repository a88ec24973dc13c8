"""Assignments, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)
UNPUBLISHED = "published_at IS NULL"


def upgrade() -> None:
    _assignments()
    _outbox_messages()
    _processed_messages()


def _assignments() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("receipt_number", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("region", sa.String(12), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_at", Timestamp, nullable=False),
        sa.Column("sign_for_due_at", Timestamp, nullable=False),
        sa.Column("sign_for_due_provisional", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("clue_id", "body_id", name="uq_assignments_clue_body"),
        sa.CheckConstraint("role IN ('lead', 'co')", name="ck_assignments_role"),
    )
    op.create_index(
        "ix_assignments_body_assigned", "assignments", ["body_id", "assigned_at", "id"]
    )
    op.create_index(
        "ix_assignments_body_state_assigned",
        "assignments",
        ["body_id", "state", "assigned_at", "id"],
    )


def _outbox_messages() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("message_key", sa.String(120), nullable=False),
        sa.Column("event_type", sa.String(160), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("published_at", Timestamp, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_outbox_messages_unpublished",
        "outbox_messages",
        ["id"],
        postgresql_where=sa.text(UNPUBLISHED),
        sqlite_where=sa.text(UNPUBLISHED),
    )
    op.create_index("ix_outbox_messages_published_at", "outbox_messages", ["published_at"])


def _processed_messages() -> None:
    op.create_table(
        "processed_messages",
        sa.Column("consumer", sa.String(120), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("processed_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("processed_messages")
    op.drop_table("outbox_messages")
    op.drop_table("assignments")
