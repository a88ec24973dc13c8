"""intake security: signed-request nonces replace remembered signatures; staff token deny-list

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Remembered signatures only ever lived for the replay window: nothing worth carrying over.
    op.drop_table("request_signatures")
    op.create_table(
        "request_nonces",
        sa.Column("agency_id", sa.Uuid(), sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "revoked_tokens",
        sa.Column("jti", sa.String(200), primary_key=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("revoked_tokens")
    op.drop_table("request_nonces")
    op.create_table(
        "request_signatures",
        sa.Column("agency_id", sa.Uuid(), sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
