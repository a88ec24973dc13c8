"""The unit of work: the only place a transaction commits, writing its events to the outbox."""

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import Event
from shared.outbox import stage


class UnitOfWork:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
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
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._factory()
        self._events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            await session.rollback()
        finally:
            await session.close()

    def emit(self, *events: Event) -> None:
        self._events.extend(events)

    async def commit(self) -> None:
        await stage(self.session, self._outbox, self._events, source=self._source)
        await self.session.commit()
        self._events = []
        self._on_commit()


def bind_session(session: AsyncSession, outbox: Table, *, source: str) -> "SessionEmitter":
    return SessionEmitter(session, outbox, source=source)


class SessionEmitter:
    """For consumers, whose transaction is owned by the consumer loop: stage events into it."""

    def __init__(self, session: AsyncSession, outbox: Table, *, source: str) -> None:
        self.session = session
        self._outbox = outbox
        self._source = source

    async def emit(self, *events: Event) -> None:
        await stage(self.session, self._outbox, list(events), source=self._source)
