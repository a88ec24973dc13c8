"""What operators and readiness read of an outbox: backlog, set-aside rows, and releasing them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import utcnow


@dataclass(frozen=True)
class Backlog:
    unpublished: int
    oldest_unpublished_at: datetime | None
    set_aside: int

    def as_json(self) -> dict[str, Any]:
        oldest = self.oldest_unpublished_at
        return {
            "backlog": self.unpublished,
            "oldest_unpublished_age_seconds": (
                round((utcnow() - oldest).total_seconds(), 3) if oldest else None
            ),
            "set_aside": self.set_aside,
        }


async def backlog(engine: AsyncEngine, table: Table) -> Backlog:
    t = table
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        count, oldest = (
            await conn.execute(
                select(func.count(), func.min(t.c.created_at)).where(t.c.published_at.is_(None))
            )
        ).one()
        aside = await conn.scalar(
            select(func.count()).where(t.c.published_at.is_(None), t.c.set_aside_at.is_not(None))
        )
    if isinstance(oldest, str):  # SQLite returns the aggregate as text, without the type
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    return Backlog(int(count), oldest, int(aside or 0))


async def set_aside(engine: AsyncEngine, table: Table) -> Sequence[Any]:
    t = table
    query = (
        select(
            t.c.id,
            t.c.event_id,
            t.c.topic,
            t.c.message_key,
            t.c.event_type,
            t.c.created_at,
            t.c.attempts,
            t.c.last_error,
            t.c.set_aside_at,
        )
        .where(t.c.published_at.is_(None), t.c.set_aside_at.is_not(None))
        .order_by(t.c.id)
    )
    async with engine.connect() as conn:
        rows: Sequence[Any] = (await conn.execute(query)).all()
    return rows


async def release(engine: AsyncEngine, table: Table, ids: Sequence[int]) -> int:
    """Puts set-aside rows back in the flow, with their tries counted afresh."""
    t = table
    async with engine.begin() as conn:
        result = await conn.execute(
            update(t)
            .where(t.c.id.in_(list(ids)), t.c.published_at.is_(None), t.c.set_aside_at.is_not(None))
            .values(set_aside_at=None, attempts=0, next_attempt_at=None)
        )
    return int(getattr(result, "rowcount", 0) or 0)
