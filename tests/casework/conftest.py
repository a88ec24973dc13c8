from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.app import create_app
from services.casework.settings import Settings
from shared.db import make_engine, make_session_factory
from tests.support.databases import DatabaseFactory
from tests.support.http import serve
from tests.support.rollback import RollBack, RolledBack


@pytest.fixture
def casework_url(databases: DatabaseFactory, backend: str) -> str:
    """The run's shared database, committed: for tests that run a worker or a second engine."""
    return databases.url(backend, "casework")


@pytest.fixture
async def committed_sessions(
    casework_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions of their own engine on the shared database: what they write is committed, for
    tests where two apps (two processes) must see the same rows."""
    engine = make_engine(casework_url)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def db(rolled_back: RollBack) -> RolledBack:
    """The shared database inside this test's transaction, rolled back when the test ends."""
    return await rolled_back("casework")


@pytest.fixture
def sessions(db: RolledBack) -> async_sessionmaker[AsyncSession]:
    return db.sessions


@pytest.fixture
async def client(db: RolledBack) -> AsyncIterator[httpx.AsyncClient]:
    """Casework's API on this test's transaction: it sees what `deliver` wrote, and the reverse."""
    settings = Settings(database_url=db.url, run_relay=False, run_consumers=False)
    async with serve(create_app(settings, runtime=db.runtime)) as http:
        yield http
