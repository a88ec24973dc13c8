"""Tests rolled back, not cleaned up: one connection per test and service, an outer
transaction on it rolled back when the test ends, and every session the app opens joined to it
through a SAVEPOINT (SQLAlchemy's "joining a session into an external transaction",
`join_transaction_mode="create_savepoint"`; polar's test pattern). A use case's commit releases
its savepoint, a use case's rollback returns to it; nothing reaches the database for good.

For in-process tests that need no background worker: a worker, another process or a second
engine cannot see the test's rows, and on SQLite would wait behind its write lock. Usage:

    async def test_x(rolled_back: RollBack) -> None:
        db = await rolled_back("intake")
        app = create_app(settings, runtime=db.runtime)
        async with db.sessions() as session: ...
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    AsyncTransaction,
    async_sessionmaker,
)

from shared.db import make_engine
from shared.runtime import Runtime
from shared.settings import ServiceSettings
from tests.support.databases import DatabaseFactory


@dataclass(frozen=True)
class RolledBack:
    """One service's migrated database inside this test's transaction."""

    backend: str
    url: str
    engine: AsyncEngine
    connection: AsyncConnection
    sessions: async_sessionmaker[AsyncSession]

    def runtime(self, name: str, settings: ServiceSettings, metadata: MetaData) -> Runtime:
        """A shared.runtime.RuntimeFactory: the app's sessions join this transaction."""
        return Runtime.build(name, settings, metadata, engine=self.engine, sessions=self.sessions)


RollBack = Callable[[str], Awaitable[RolledBack]]


@pytest.fixture(scope="session")
async def _rollback_engines() -> AsyncIterator[dict[str, AsyncEngine]]:
    engines: dict[str, AsyncEngine] = {}
    yield engines
    for engine in engines.values():
        await engine.dispose()


@pytest.fixture
async def rolled_back(
    databases: DatabaseFactory, backend: str, _rollback_engines: dict[str, AsyncEngine]
) -> AsyncIterator[RollBack]:
    """`await rolled_back("<svc>")`: that service's database, for this test only."""
    opened: list[tuple[AsyncConnection, AsyncTransaction]] = []

    async def open_database(service: str) -> RolledBack:
        url = databases.url(backend, service)
        engine = _rollback_engines.get(url)
        if engine is None:
            engine = _rollback_engines[url] = make_engine(url, pool_size=2)
        connection = await engine.connect()
        opened.append((connection, await connection.begin()))
        sessions = async_sessionmaker(
            bind=connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
        )
        return RolledBack(backend, url, engine, connection, sessions)

    yield open_database
    for connection, transaction in reversed(opened):
        await transaction.rollback()
        await connection.close()
