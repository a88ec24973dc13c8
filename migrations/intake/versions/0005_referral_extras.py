"""intake referral extras: idempotency keys that expire, attachment content

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

LIVE_KEYS = "idempotency_key IS NOT NULL"


def upgrade() -> None:
    # A key is released (NULL) when its window ends; NULLs never collide in the unique constraint.
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.alter_column("idempotency_key", existing_type=sa.String(200), nullable=True)
        batch_op.create_index(
            "ix_referrals_idempotency_live",
            ["received_at"],
            unique=False,
            postgresql_where=sa.text(LIVE_KEYS),
            sqlite_where=sa.text(LIVE_KEYS),
        )

    op.create_table(
        "attachment_contents",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("attachment_index", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"]),
        sa.PrimaryKeyConstraint("referral_id", "attachment_index"),
    )


def downgrade() -> None:
    op.drop_table("attachment_contents")
    # Released keys have no value to restore; give them a unique placeholder so NOT NULL holds.
    op.execute(
        "UPDATE referrals SET idempotency_key = 'released:' || CAST(id AS VARCHAR(36)) "
        "WHERE idempotency_key IS NULL"
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_referrals_idempotency_live",
            postgresql_where=sa.text(LIVE_KEYS),
            sqlite_where=sa.text(LIVE_KEYS),
        )
        batch_op.alter_column("idempotency_key", existing_type=sa.String(200), nullable=False)
