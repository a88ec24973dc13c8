from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.demo import seed_demo
from services.routing.settings import Settings
from shared.db import make_engine, make_session_factory
from tests.routing.builders import Deliveries
from tests.support.databases import DatabaseFactory


@pytest.fixture
def routing_url(backend: str, databases: DatabaseFactory) -> str:
    # Sync on purpose: migrating runs its own event loop.
    return databases.url(backend, "routing")


@pytest.fixture
async def seeded_url(routing_url: str) -> str:
    """The run's shared database, with the demo registry and the default rules in force."""
    await seed_demo(Settings(database_url=routing_url))
    return routing_url


@pytest.fixture
async def fresh_url(backend: str, databases: DatabaseFactory) -> str:
    """A database of its own, for tests that activate rules or load registries."""
    url = databases.fresh(backend, "routing")
    await seed_demo(Settings(database_url=url))
    return url


@pytest.fixture
async def sessions(seeded_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(seeded_url)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def deliveries(sessions: async_sessionmaker[AsyncSession]) -> Deliveries:
    return Deliveries(sessions)


@pytest.fixture
def api_settings(seeded_url: str) -> Settings:
    return Settings(database_url=seeded_url, run_relay=False, run_consumers=False)
