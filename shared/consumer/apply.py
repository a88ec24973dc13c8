"""How the consumer loop applies events, as a function tests call too: one transaction, each
event id claimed in the inbox, then its topic's handler; an event already claimed is skipped."""

from collections.abc import Mapping, Sequence

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.consumer.types import Handler
from shared.events import Event
from shared.inbox import claim


async def apply_events(
    sessions: async_sessionmaker[AsyncSession],
    inbox: Table,
    *,
    consumer: str,
    handlers: Mapping[str, Handler],
    events: Sequence[tuple[str, Event]],
) -> None:
    """`events` are (event id, event) pairs, applied in order."""
    async with sessions() as session, session.begin():
        for event_id, event in events:
            if await claim(session, inbox, consumer=consumer, event_id=event_id):
                await handlers[event.TOPIC](session, event)
