"""The official Chinese working-day calendar, shared by every service that counts deadlines."""

from shared.workdays.calendar import (
    CHINA,
    Deadline,
    WorkingCalendar,
    china_day,
    end_of,
    start_of,
)
from shared.workdays.shipped import shipped_calendar, shipped_years
from shared.workdays.years import CalendarFileError, CalendarYear, parse_year, read_year_file

__all__ = [
    "CHINA",
    "CalendarFileError",
    "CalendarYear",
    "Deadline",
    "WorkingCalendar",
    "china_day",
    "end_of",
    "parse_year",
    "read_year_file",
    "shipped_calendar",
    "shipped_years",
    "start_of",
]
