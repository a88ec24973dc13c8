"""Kept only for tests/intake/test_status_from_skewed_producer.py, which calls routing's
clue.received handler by this name; that test should call `RoutingConsumer` (consumer.py) and
this module then goes."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.consumer import RoutingConsumer
from services.routing.orm import outbox
from services.routing.settings import Settings
from shared.events.contracts import ClueReceived


async def route_received_clue(session: AsyncSession, event: ClueReceived) -> None:
    await RoutingConsumer(outbox, Settings()).clue_received(session, event)
