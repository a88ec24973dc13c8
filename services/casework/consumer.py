"""Casework's Kafka subscriptions: the consumer loop owns the transaction and the inbox claim;
each handler joins it with a unit of work and calls the use case."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.assignments.decisions import assign_routed_clue, wake_related
from services.casework.deadlines.calendar import CalendarCache
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.consumer import Subscription, expecting
from shared.events.contracts import ClueLinked, ClueRouted
from shared.events.topics import CLUE_LINKED, CLUE_ROUTED

CONSUMED = (CLUE_ROUTED, CLUE_LINKED)
E = TypeVar("E")


def subscriptions(calendar: CalendarCache) -> list[Subscription]:
    def joined(
        use_case: Callable[[CaseworkUnitOfWork, E], Awaitable[object]],
    ) -> Callable[[AsyncSession, E], Awaitable[object]]:
        async def handle(session: AsyncSession, event: E) -> object:
            return await use_case(CaseworkUnitOfWork.within(session, calendar=calendar), event)

        return handle

    return [
        Subscription(CLUE_ROUTED, expecting(ClueRouted, joined(assign_routed_clue))),
        Subscription(CLUE_LINKED, expecting(ClueLinked, joined(wake_related))),
    ]
