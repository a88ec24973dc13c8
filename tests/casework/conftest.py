from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.app import create_app
from services.casework.settings import Settings
from shared.db import make_engine, make_session_factory
from tests.support.databases import DatabaseFactory
from tests.support.http import serve


@pytest.fixture
def casework_url(databases: DatabaseFactory, backend: str) -> str:
    return databases.url(backend, "casework")


@pytest.fixture
async def sessions(casework_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(casework_url)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def client(casework_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=casework_url, run_relay=False, run_consumers=False)
    async with serve(create_app(settings)) as http:
        yield http
