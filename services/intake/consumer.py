"""What intake consumes: status reports about the clues it received."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.handlers import record_status
from shared.consumer import EventRefused, Subscription
from shared.events import Event
from shared.events.contracts import ClueStatusChanged
from shared.events.topics import CLUE_STATUS


async def on_clue_status(session: AsyncSession, event: Event) -> None:
    if not isinstance(event, ClueStatusChanged):
        raise EventRefused(f"unexpected {type(event).__name__} on {CLUE_STATUS}")
    await record_status(session, event)


SUBSCRIPTIONS = [Subscription(CLUE_STATUS, on_clue_status)]
