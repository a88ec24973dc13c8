"""What the command-line tools share: a unit of work on the configured database."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.casework.deadlines.calendar import CalendarCache
from services.casework.settings import Settings
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.db import make_engine, make_session_factory

Sessions = async_sessionmaker[AsyncSession]
UnitsOfWork = Callable[[], CaseworkUnitOfWork]


def units_of_work(sessions: Sessions, settings: Settings) -> UnitsOfWork:
    calendar = CalendarCache(settings.clock_policy())
    return lambda: CaseworkUnitOfWork(sessions, calendar=calendar)


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[UnitsOfWork]:
    engine = make_engine(settings.database_url)
    try:
        yield units_of_work(make_session_factory(engine), settings)
    finally:
        await engine.dispose()
