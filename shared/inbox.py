"""Inbox: a consumer records each event id with its effect, so a redelivery is a no-op."""

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table
from sqlalchemy.ext.asyncio import AsyncSession

from shared.clock import utcnow
from shared.db import UTCDateTime, insert_ignoring_duplicates


def processed_messages_table(metadata: MetaData) -> Table:
    return Table(
        "processed_messages",
        metadata,
        Column("consumer", String(120), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("processed_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id"),
    )


async def claim(session: AsyncSession, table: Table, *, consumer: str, event_id: str) -> bool:
    """True when this event is new to this consumer; call inside the effect's transaction."""
    return await insert_ignoring_duplicates(
        session, table, {"consumer": consumer, "event_id": event_id, "processed_at": utcnow()}
    )
