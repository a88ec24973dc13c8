"""The working-day calendar routing counts forwarding clocks on, kept in its own database."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.orm import calendar_years
from shared.workdays import WorkingCalendar
from shared.workdays.store import read_calendar, seed_shipped_years


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def working_calendar(self) -> WorkingCalendar:
        """The loaded years; a year not loaded counts weekends only and marks clocks provisional."""
        return await read_calendar(self._session, calendar_years)

    async def seed_shipped(self, *, now: datetime) -> list[int]:
        return await seed_shipped_years(self._session, calendar_years, now=now)
