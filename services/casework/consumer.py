"""Casework's Kafka subscriptions: the consumer loop owns the transaction and the inbox claim;
each handler joins it with a unit of work and calls the use case."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.assignments.decisions import assign_routed_clue, wake_related
from services.casework.deadlines.calendar import CalendarCache
from services.casework.unit_of_work import SOURCE, CaseworkUnitOfWork
from shared.consumer import EventRefused, Handler, Subscription
from shared.events import Event
from shared.events.contracts import ClueLinked, ClueRouted
from shared.events.topics import CLUE_LINKED, CLUE_ROUTED

E = TypeVar("E", bound=Event)
CONSUMED = (CLUE_ROUTED, CLUE_LINKED)


def _handler(
    kind: type[E],
    use_case: Callable[[CaseworkUnitOfWork, E], Awaitable[object]],
    outbox: Table,
    calendar: CalendarCache,
) -> Handler:
    async def handle(session: AsyncSession, event: Event) -> None:
        if not isinstance(event, kind):
            raise EventRefused(f"{kind.TOPIC} carries {type(event).__name__}")
        uow = CaseworkUnitOfWork.joined(session, outbox, source=SOURCE, calendar=calendar)
        await use_case(uow, event)

    return handle


def subscriptions(outbox: Table, calendar: CalendarCache) -> list[Subscription]:
    return [
        Subscription(CLUE_ROUTED, _handler(ClueRouted, assign_routed_clue, outbox, calendar)),
        Subscription(CLUE_LINKED, _handler(ClueLinked, wake_related, outbox, calendar)),
    ]
