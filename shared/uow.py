"""The unit of work: the only place a transaction commits, writing its events to the outbox.

One shape for the three services and for both callers:
- an API handler opens its own transaction: `async with ServiceUoW(sessions, outbox, ...) as uow`;
- a consumer handler joins the transaction the consumer loop owns (the inbox claim and the
  effect commit together): `ServiceUoW.joined(session, outbox, ...)`; its `commit()` stages
  the events into that transaction and leaves committing to the loop.
Subclasses bind their repositories in `bind(session)` and, when their aggregates raise domain
events, translate them in `publishable(event)`; handlers `track()` the aggregates they changed.
"""

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Protocol, Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import Event
from shared.outbox import stage


class RaisesEvents(Protocol):
    """An aggregate that records what happened to it until someone collects it."""

    def collect_events(self) -> list[Any]: ...


class UnitOfWork:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession] | None,
        outbox: Table,
        *,
        source: str,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._factory = session_factory
        self._outbox = outbox
        self._source = source
        self._on_commit = on_commit
        self._events: list[Event] = []
        self._tracked: list[RaisesEvents] = []
        self._session: AsyncSession | None = None
        self._joined = False

    @classmethod
    def joined(cls, session: AsyncSession, outbox: Table, **kwargs: Any) -> Self:
        """A unit of work inside a transaction someone else owns (the consumer loop)."""
        uow = cls(None, outbox, **kwargs)
        uow._session, uow._joined = session, True
        uow.bind(session)
        return uow

    def bind(self, session: AsyncSession) -> None:
        """Attach this service's repositories to the session; overridden by each service."""

    def publishable(self, event: Any) -> Sequence[Event]:
        """The contract events a domain event becomes (none, one or several)."""
        if isinstance(event, Event):
            return [event]
        raise TypeError(f"{type(self).__name__} cannot publish {type(event).__name__}")

    @property
    def outbox(self) -> Table:
        return self._outbox

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        if self._joined:
            return self
        if self._factory is None:
            raise RuntimeError("a joined unit of work has no session factory")
        self._session = self._factory()
        self._events, self._tracked = [], []
        self.bind(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._joined:
            return  # the owner of the transaction rolls back or commits it
        session, self._session = self.session, None
        try:
            await session.rollback()
        finally:
            await session.close()

    def emit(self, *events: Event) -> None:
        self._events.extend(events)

    def track(self, *aggregates: RaisesEvents) -> None:
        self._tracked.extend(aggregates)

    async def commit(self) -> None:
        events = list(self._events)
        for aggregate in self._tracked:
            for raised in aggregate.collect_events():
                events.extend(self.publishable(raised))
        await stage(self.session, self._outbox, events, source=self._source)
        self._events, self._tracked = [], []
        if self._joined:
            await self.session.flush()
            return
        await self.session.commit()
        self._on_commit()


def bind_session(session: AsyncSession, outbox: Table, *, source: str) -> "SessionEmitter":
    return SessionEmitter(session, outbox, source=source)


class SessionEmitter:
    """Superseded by `UnitOfWork.joined`; kept until every consumer handler has moved to it."""

    def __init__(self, session: AsyncSession, outbox: Table, *, source: str) -> None:
        self.session = session
        self._outbox = outbox
        self._source = source

    async def emit(self, *events: Event) -> None:
        await stage(self.session, self._outbox, list(events), source=self._source)
