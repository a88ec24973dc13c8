"""What a subscription's handler is: called with the consumer's session and the decoded event."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shared.consumer.failures import EventRefused
from shared.events import Event

Handler = Callable[[AsyncSession, Event], Awaitable[None]]
E = TypeVar("E", bound=Event)


def expecting(
    kind: type[E],
    handle: Callable[[AsyncSession, E], Awaitable[object]],
    *,
    refused: tuple[type[Exception], ...] = (),
) -> Handler:
    """The handler of one contract: another event on its topic, or one of the service's
    `refused` domain errors (a clue it never recorded, say), is poison no retry can change."""

    async def handler(session: AsyncSession, event: Event) -> None:
        if not isinstance(event, kind):
            raise EventRefused(f"expected {kind.__name__}, got {type(event).__name__}")
        try:
            await handle(session, event)
        except refused as exc:
            raise EventRefused(str(exc)) from exc

    return handler
