"""Every query of the calendar years casework counts with (the table is shared.workdays')."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.orm import calendar_years
from shared.workdays import CalendarYear, WorkingCalendar
from shared.workdays.store import (
    StoredYear,
    load_years,
    read_calendar,
    seed_shipped_years,
    stored_years,
)

Fingerprint = tuple[int, datetime | None]


class CalendarStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def fingerprint(self) -> Fingerprint:
        """Changes whenever a year is added or replaced: one cheap query per use."""
        t = calendar_years.c
        row = (await self._session.execute(select(func.count(), func.max(t.loaded_at)))).one()
        return int(row[0]), row[1]

    async def calendar(self) -> WorkingCalendar:
        return await read_calendar(self._session, calendar_years)

    async def load(self, years: Sequence[CalendarYear], *, now: datetime) -> list[int]:
        return await load_years(self._session, calendar_years, years, now=now)

    async def seed(self, *, now: datetime) -> list[int]:
        return await seed_shipped_years(self._session, calendar_years, now=now)

    async def stored(self) -> list[StoredYear]:
        return await stored_years(self._session, calendar_years)
