"""The deny-list of staff tokens: a revoked `jti` is refused until the token would expire anyway.

Each service that verifies staff tokens keeps its own table, so revoking a token at one service
needs no other service to be up; rows past their expiry can be deleted at any time.
"""

from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import utcnow
from shared.db import UTCDateTime, insert_ignoring_duplicates


def revoked_tokens_table(metadata: MetaData) -> Table:
    return Table(
        "revoked_tokens",
        metadata,
        Column("jti", String(200), primary_key=True),
        Column("revoked_at", UTCDateTime(), nullable=False),
        Column("expires_at", UTCDateTime(), nullable=False),
        Column("revoked_by", String(200), nullable=False),
    )


async def is_revoked(session: AsyncSession, table: Table, jti: str) -> bool:
    found = await session.execute(select(table.c.jti).where(table.c.jti == jti))
    return found.first() is not None


async def revoke(
    session: AsyncSession, table: Table, *, jti: str, expires_at: datetime | None, actor: str
) -> bool:
    """True when newly revoked; without a known expiry the entry is kept for a year."""
    now = utcnow()
    until = expires_at or datetime.fromtimestamp(now.timestamp() + 365 * 86400, UTC)
    await session.execute(delete(table).where(table.c.expires_at < now))
    return await insert_ignoring_duplicates(
        session,
        table,
        {"jti": jti, "revoked_at": now, "expires_at": until, "revoked_by": actor},
    )
