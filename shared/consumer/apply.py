"""How the consumer loop applies events, as a function tests call too: one transaction, each
event id claimed in the inbox, then its topic's handler; an event already claimed is skipped."""

from collections.abc import Mapping, Sequence

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.consumer.types import Handler
from shared.events import Event
from shared.inbox import claim
from shared.observability import metrics, tracing


async def apply_events(
    sessions: async_sessionmaker[AsyncSession],
    inbox: Table,
    *,
    consumer: str,
    handlers: Mapping[str, Handler],
    events: Sequence[tuple[str, Event]],
    traces: Mapping[str, str | None] | None = None,
) -> None:
    """`events` are (event id, event) pairs, applied in order; `traces` the W3C context each
    event id arrived with (its `ce_traceparent`), which the span of its handler continues."""
    applied: list[tuple[str, bool]] = []
    async with sessions() as session, session.begin():
        for event_id, event in events:
            parent = (traces or {}).get(event_id)
            with tracing.processing(consumer, event.TOPIC, parent):
                fresh = await claim(session, inbox, consumer=consumer, event_id=event_id)
                if fresh:
                    await handlers[event.TOPIC](session, event)
            applied.append((event.TOPIC, fresh))
    for topic, fresh in applied:  # counted once the transaction committed
        metrics.consumed(consumer, topic, applied=fresh)
