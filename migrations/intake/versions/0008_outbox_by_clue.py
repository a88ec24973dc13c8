"""outbox rows found by their clue, for reconciliation's repairs

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_messages_key_topic", "outbox_messages", ["message_key", "topic"]
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_key_topic", table_name="outbox_messages")
