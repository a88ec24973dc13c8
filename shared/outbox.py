"""Transactional outbox: events are rows written in the state change's own transaction.

The relay publishes them with acks=all and marks them published; rows stay for a retention
window so that reconciliation can re-publish after a broker loses its data.
"""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.clock import utcnow
from shared.db import BigId, UTCDateTime
from shared.events import Event, encode
from shared.kafka import Record

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox_messages",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(120), nullable=False),
        Column("message_key", String(120), nullable=False),
        Column("event_type", String(160), nullable=False),
        Column("headers", JSON, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("published_at", UTCDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Index(
            "ix_outbox_messages_unpublished",
            "id",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
        Index("ix_outbox_messages_published_at", "published_at"),
    )


def outbox_rows(events: Sequence[Event], *, source: str) -> list[dict[str, Any]]:
    now = utcnow()
    rows = []
    for event in events:
        envelope = encode(event, source=source)
        rows.append(
            {
                "event_id": envelope.id,
                "topic": event.TOPIC,
                "message_key": event.key(),
                "event_type": envelope.type,
                "headers": [[name, value.decode()] for name, value in envelope.headers()],
                "payload": envelope.data,
                "created_at": now,
                "attempts": 0,
            }
        )
    return rows


async def stage(
    session: AsyncSession, table: Table, events: Sequence[Event], *, source: str
) -> None:
    if events:
        await session.execute(insert(table), outbox_rows(events, source=source))


class Publisher(Protocol):
    async def send_batch(self, records: Sequence[Record]) -> None: ...


class OutboxRelay:
    """Publishes unpublished outbox rows in id order; woken after each commit, polls otherwise."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        table: Table,
        publisher: Publisher,
        *,
        batch_size: int = 500,
        poll_seconds: float = 0.25,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        self._sessions = session_factory
        self._table = table
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._retention = retention
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        backoff = self._poll_seconds
        last_purge = utcnow()
        while True:
            try:
                published = await self.publish_pending()
                backoff = self._poll_seconds
                if utcnow() - last_purge > timedelta(minutes=10):
                    await self.purge_expired()
                    last_purge = utcnow()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker or the database is away: wait and retry
                log.warning("outbox relay: %s; retrying in %.1fs", type(exc).__name__, backoff)
                published = 0
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if published < self._batch_size:
                await self._sleep_until_woken()

    async def _sleep_until_woken(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
        self._wake.clear()

    async def publish_pending(self) -> int:
        t = self._table
        async with self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    select(t.c.id, t.c.topic, t.c.message_key, t.c.headers, t.c.payload)
                    .where(t.c.published_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            await self._publisher.send_batch(
                [
                    (r.topic, r.message_key, r.payload, [(n, v.encode()) for n, v in r.headers])
                    for r in rows
                ]
            )
            await session.execute(
                update(t).where(t.c.id.in_([r.id for r in rows])).values(published_at=utcnow())
            )
        return len(rows)

    async def purge_expired(self) -> int:
        t = self._table
        cutoff = utcnow() - self._retention
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(t).where(t.c.published_at.is_not(None), t.c.published_at < cutoff)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def republish(self, event_ids: Sequence[str]) -> int:
        """Mark rows unpublished again so the relay sends them anew (reconciliation's repair)."""
        t = self._table
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(t).where(t.c.event_id.in_(list(event_ids))).values(published_at=None)
            )
        self.wake()
        return int(getattr(result, "rowcount", 0) or 0)
