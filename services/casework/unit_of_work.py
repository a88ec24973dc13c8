"""Where casework's transactions live: the API's unit of work and the consumer's event scope."""

from typing import Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.repository import AssignmentRepository
from shared.events import Event
from shared.uow import SessionEmitter, UnitOfWork

SOURCE = "/guantong/casework"


class CaseworkUnitOfWork(UnitOfWork):
    """API side: owns its session; only commit() writes, together with the events it emits."""

    assignments: AssignmentRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.assignments = AssignmentRepository(self.session)
        return self


class EventScope:
    """Consumer side: the consumer loop owns the transaction; events are staged into it."""

    def __init__(self, session: AsyncSession, outbox: Table) -> None:
        self.assignments = AssignmentRepository(session)
        self._emitter = SessionEmitter(session, outbox, source=SOURCE)

    async def emit(self, *events: Event) -> None:
        await self._emitter.emit(*events)
