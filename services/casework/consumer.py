"""Casework's Kafka subscriptions; the shared consumer wraps each call in inbox + transaction."""

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework import handlers
from services.casework.settings import Settings
from services.casework.unit_of_work import EventScope
from shared.clock import utcnow
from shared.consumer import EventRefused, Handler, Subscription
from shared.events import Event
from shared.events.contracts import ClueRouted
from shared.events.topics import CLUE_ROUTED
from shared.runtime import Runtime


def on_clue_routed(outbox: Table, settings: Settings) -> Handler:
    async def handle(session: AsyncSession, event: Event) -> None:
        if not isinstance(event, ClueRouted):
            raise EventRefused(f"{CLUE_ROUTED} carries {type(event).__name__}")
        scope = EventScope(session, outbox)
        await handlers.assign_routed_clue(
            scope, event, sign_for_days=settings.sign_for_days, now=utcnow()
        )

    return handle


def subscriptions(runtime: Runtime, settings: Settings) -> list[Subscription]:
    return [Subscription(CLUE_ROUTED, on_clue_routed(runtime.outbox, settings))]
