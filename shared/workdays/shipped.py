"""The year documents shipped in the repository (`data/<year>.json`), reviewed before commit."""

from functools import cache
from pathlib import Path

from shared.workdays.calendar import WorkingCalendar
from shared.workdays.years import CalendarFileError, CalendarYear, read_year_file

DATA = Path(__file__).resolve().parent / "data"


def shipped_years() -> list[CalendarYear]:
    years = [read_year_file(path) for path in sorted(DATA.glob("*.json"))]
    for path, year in zip(sorted(DATA.glob("*.json")), years, strict=True):
        if path.stem != str(year.year):
            raise CalendarFileError(f"{path}: holds {year.year}, not {path.stem}")
    return years


@cache
def shipped_calendar() -> WorkingCalendar:
    """Parsed once per process: the shipped files do not change while it runs."""
    return WorkingCalendar(shipped_years())
