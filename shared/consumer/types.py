"""What a subscription's handler is: called with the consumer's session and the decoded event."""

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Event

Handler = Callable[[AsyncSession, Event], Awaitable[None]]
