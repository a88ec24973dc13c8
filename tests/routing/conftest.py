import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.app import create_app
from services.routing.demo import seed_demo
from services.routing.settings import Settings
from tests.routing.builders import Deliveries
from tests.support.databases import DatabaseFactory
from tests.support.rollback import RollBack, RolledBack


@pytest.fixture
def routing_url(backend: str, databases: DatabaseFactory) -> str:
    # Sync on purpose: migrating runs its own event loop.
    return databases.url(backend, "routing")


@pytest.fixture(scope="session")
def _seeded() -> set[str]:
    return set()


@pytest.fixture
async def seeded_url(routing_url: str, _seeded: set[str]) -> str:
    """The run's shared database with the demo registry and the default rules in force, seeded
    (committed) once per run; every test's own changes roll back, so the seed stays as it is."""
    if routing_url not in _seeded:
        await seed_demo(Settings(database_url=routing_url))
        _seeded.add(routing_url)
    return routing_url


@pytest.fixture
async def fresh_url(backend: str, databases: DatabaseFactory) -> str:
    """A seeded database of its own, committed: for a test that reads the whole database (a
    dry run replays its newest clues) or writes through an engine of its own (the CLI, the seed)."""
    url = databases.fresh(backend, "routing")
    await seed_demo(Settings(database_url=url))
    return url


@pytest.fixture
async def db(seeded_url: str, rolled_back: RollBack) -> RolledBack:
    """The seeded shared database inside this test's transaction, rolled back when it ends.

    Seeded first: on SQLite the test's transaction holds the write lock until it ends. Rule set
    activations and registry loads roll back too: every rule cache (RulesInForce) lives in one
    app or one `Deliveries` of one test, and compares the state row's uuid4 ids, never reused.
    """
    return await rolled_back("routing")


@pytest.fixture
def sessions(db: RolledBack) -> async_sessionmaker[AsyncSession]:
    return db.sessions


@pytest.fixture
def deliveries(sessions: async_sessionmaker[AsyncSession]) -> Deliveries:
    return Deliveries(sessions)


@pytest.fixture
def api_settings(db: RolledBack) -> Settings:
    return Settings(database_url=db.url, run_relay=False, run_consumers=False)


@pytest.fixture
def app(api_settings: Settings, db: RolledBack) -> FastAPI:
    """Routing's API on this test's transaction: it sees the deliveries' rows and they its."""
    return create_app(api_settings, runtime=db.runtime)
