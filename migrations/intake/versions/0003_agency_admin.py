"""intake agency admin: per-agency request signing and the replay memory of signatures

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


def upgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("require_signature", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("signing_key_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("signing_secret", sa.LargeBinary(), nullable=True))

    op.create_table(
        "request_signatures",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("agency_id", "signature"),
    )


def downgrade() -> None:
    op.drop_table("request_signatures")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("signing_secret")
        batch_op.drop_column("signing_key_id")
        batch_op.drop_column("require_signature")
