"""Year documents for tests, including a made-up 2027 (the State Council had not published it)."""

from datetime import date, timedelta
from typing import Any

from shared.workdays import CalendarYear, parse_year


def days(first: str, last: str, name: str) -> list[dict[str, str]]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    count = (end - start).days + 1
    return [{"date": (start + timedelta(d)).isoformat(), "name": name} for d in range(count)]


def document(year: int = 2027, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "format_version": 1,
        "year": year,
        "source": f"test: a made-up {year}, not a State Council notice",
        "holidays": days(f"{year}-01-01", f"{year}-01-03", "元旦"),
        "makeup_workdays": [],
    }
    return values | overrides


# New Year's Day on Friday 1 January to Sunday 3 January, Spring Festival from Friday 5 February,
# with Saturday 20 February worked instead.
TEST_2027 = document(
    holidays=days("2027-01-01", "2027-01-03", "元旦") + days("2027-02-05", "2027-02-11", "春节"),
    makeup_workdays=[{"date": "2027-02-20", "name": "春节"}],
)


def year_2027() -> CalendarYear:
    return parse_year(TEST_2027, origin="test 2027")
