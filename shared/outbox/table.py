"""The outbox table and how events are staged into it, in the state change's own transaction."""

from collections.abc import Sequence
from typing import Any

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
    insert,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import utcnow
from shared.db import BigId, UTCDateTime
from shared.events import Event, encode
from shared.observability import tracing

# PostgreSQL delivers a NOTIFY when the transaction that sent it commits, and only then.
OUTBOX_CHANNEL = "guantong_outbox"


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
        # Failures of this row itself (never a broker outage): counted, explained, backed off,
        # and past the limit the row is set aside until someone releases it.
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Column("next_attempt_at", UTCDateTime(), nullable=True),
        Column("set_aside_at", UTCDateTime(), nullable=True),
        Index(
            "ix_outbox_messages_unpublished",
            "id",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
        # The few rows that failed: the relay looks them up on every round to hold back the
        # later rows of their clue.
        Index(
            "ix_outbox_messages_failing",
            "message_key",
            "id",
            postgresql_where=text("published_at IS NULL AND attempts > 0"),
            sqlite_where=text("published_at IS NULL AND attempts > 0"),
        ),
        Index("ix_outbox_messages_published_at", "published_at"),
        # Reconciliation's repairs find a clue's retained events by its key.
        Index("ix_outbox_messages_key_topic", "message_key", "topic"),
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
                # With tracing on, the event's W3C context too, so the relay and the consumers
                # continue the trace of what caused it (observability/tracing.py).
                "headers": [[name, value.decode()] for name, value in envelope.headers()]
                + tracing.message_headers(event.TOPIC),
                "payload": envelope.data,
                "created_at": now,
                "attempts": 0,
            }
        )
    return rows


async def stage(
    session: AsyncSession, table: Table, events: Sequence[Event], *, source: str
) -> None:
    """Writes the events' rows in the caller's transaction; on PostgreSQL it also wakes the
    relay (in the worker process) when that transaction commits."""
    if not events:
        return
    await session.execute(insert(table), outbox_rows(events, source=source))
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})
