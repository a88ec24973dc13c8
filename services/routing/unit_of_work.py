"""Routing's unit of work: the shared one, plus this service's repository on its session."""

from collections.abc import Callable

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.repository import Repository
from shared.uow import UnitOfWork

SOURCE = "/guantong/routing"


class RoutingUnitOfWork(UnitOfWork):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        outbox: Table,
        *,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(session_factory, outbox, source=SOURCE, on_commit=on_commit)

    @property
    def repo(self) -> Repository:
        return Repository(self.session)
