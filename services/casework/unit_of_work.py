"""Casework's unit of work: its repositories, scoped to the caller, and its events' contracts.

The API opens one per request, scoped to the caller's body (or the bodies a token names);
consumers, scheduled jobs and the command line join or open one with the SYSTEM scope.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework import orm
from services.casework.assignments.inbox import InboxQueries
from services.casework.assignments.repository import AssignmentRepository
from services.casework.audit.repository import AuditLog
from services.casework.deadlines.calendar import CalendarCache
from services.casework.deadlines.repository import CalendarStore
from services.casework.domain import Timekeeper
from services.casework.domain.events import DomainEvent
from services.casework.ledger.repository import LedgerRepository
from services.casework.publishing import contracts_of
from services.casework.scope import SYSTEM, Scope
from services.casework.stats.repository import StatsQueries
from shared.events import Event
from shared.uow import UnitOfWork

SOURCE = "/guantong/casework"


class CaseworkUnitOfWork(UnitOfWork):
    outbox = orm.outbox
    source = SOURCE
    assignments: AssignmentRepository
    inbox: InboxQueries
    audit: AuditLog
    calendar: CalendarStore
    stats: StatsQueries
    ledger: LedgerRepository

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession] | None = None,
        *,
        calendar: CalendarCache,
        scope: Scope = SYSTEM,
        **kwargs: Any,
    ) -> None:
        """`kwargs`: the shared unit of work's (`on_commit`)."""
        self.scope = scope
        self._calendar_cache = calendar
        super().__init__(sessions, **kwargs)

    def bind(self, session: AsyncSession) -> None:
        self.audit = AuditLog(session, self.scope)
        self.assignments = AssignmentRepository(session, scope=self.scope, audit=self.audit)
        self.inbox = InboxQueries(session, scope=self.scope)
        self.calendar = CalendarStore(session)
        self.stats = StatsQueries(session, scope=self.scope)
        self.ledger = LedgerRepository(session)

    async def lock_for_writing(self) -> None:
        """First in every transaction that changes assignments (see AuditLog.lock)."""
        await self.audit.lock()

    async def timekeeper(self) -> Timekeeper:
        return await self._calendar_cache.timekeeper(self.calendar)

    def publishable(self, event: Any) -> Sequence[Event]:
        if isinstance(event, DomainEvent):
            return contracts_of(event)
        return super().publishable(event)
