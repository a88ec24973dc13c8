"""casework: outbox rows that fail are counted, backed off and set aside; worker heartbeats

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAILING = "published_at IS NULL AND attempts > 0"


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("set_aside_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_outbox_messages_failing",
            ["message_key", "id"],
            unique=False,
            postgresql_where=sa.text(FAILING),
            sqlite_where=sa.text(FAILING),
        )
    op.create_table(
        "worker_heartbeats",
        sa.Column("component", sa.String(80), nullable=False),
        sa.Column("instance", sa.String(120), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("component", "instance"),
    )



def downgrade() -> None:
    op.drop_table("worker_heartbeats")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_failing")
        batch_op.drop_column("set_aside_at")
        batch_op.drop_column("next_attempt_at")
