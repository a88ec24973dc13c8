"""One year of the official calendar as a JSON document: its format, validation and canonical form.

A document (one file per year under `shared/workdays/data/`, one row per year in a service's
`calendar_years` table):

    {"format_version": 1, "year": 2026, "source": "...",
     "holidays": [{"date": "2026-10-01", "name": "国庆节"}, ...],
     "makeup_workdays": [{"date": "2026-10-10", "name": "国庆节"}, ...]}

`holidays` are the days off of the State Council's notice (weekend days inside a holiday period
included); `makeup_workdays` (调休上班日) are the weekend days worked instead. Every other
Monday-Friday is a working day.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
FIELDS = frozenset({"format_version", "year", "source", "holidays", "makeup_workdays"})
DAY_FIELDS = frozenset({"date", "name"})
MAX_TEXT = 500


class CalendarFileError(ValueError):
    """A year document that must not be loaded; the message says where and why."""


@dataclass(frozen=True)
class CalendarYear:
    year: int
    source: str
    holidays: Mapping[date, str]
    makeup_workdays: Mapping[date, str]

    def to_document(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "year": self.year,
            "source": self.source,
            "holidays": _days_out(self.holidays),
            "makeup_workdays": _days_out(self.makeup_workdays),
        }

    def digest(self) -> str:
        """SHA-256 of the canonical JSON: equal digests mean the same calendar and source."""
        canonical = json.dumps(self.to_document(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _days_out(days: Mapping[date, str]) -> list[dict[str, str]]:
    return [{"date": d.isoformat(), "name": days[d]} for d in sorted(days)]


def parse_year(document: object, *, origin: str = "document") -> CalendarYear:
    """Validates a decoded document; raises CalendarFileError naming `origin` and the fault."""
    try:
        return _parse(document)
    except CalendarFileError as exc:
        raise CalendarFileError(f"{origin}: {exc}") from None


def read_year_file(path: Path) -> CalendarYear:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CalendarFileError(f"{path}: cannot be read ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CalendarFileError(f"{path}: not a UTF-8 JSON document ({exc})") from None
    return parse_year(document, origin=str(path))


def _parse(document: object) -> CalendarYear:
    if not isinstance(document, dict):
        raise CalendarFileError("a year document is a JSON object")
    _exact_fields(document, FIELDS, where="the document")
    if document["format_version"] != FORMAT_VERSION:
        raise CalendarFileError(
            f"format_version {document['format_version']!r} is not {FORMAT_VERSION}"
        )
    year = document["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2199:
        raise CalendarFileError(f"year {year!r} is not a year between 1900 and 2199")
    source = _text(document["source"], where="source")
    holidays = _days(document["holidays"], year, where="holidays")
    makeup = _days(document["makeup_workdays"], year, where="makeup_workdays")
    if not holidays:
        raise CalendarFileError(f"holidays of {year} is empty: a year has official holidays")
    if both := sorted(set(holidays) & set(makeup)):
        raise CalendarFileError(f"{both[0]} is both a holiday and a make-up working day")
    for day in sorted(makeup):
        if day.weekday() < 5:
            raise CalendarFileError(
                f"make-up working day {day} is a {day:%A}: only a weekend day can be one"
            )
    return CalendarYear(year=year, source=source, holidays=holidays, makeup_workdays=makeup)


def _exact_fields(obj: dict[str, Any], fields: frozenset[str], *, where: str) -> None:
    if unknown := sorted(set(obj) - fields):
        raise CalendarFileError(f"{where} has an unknown field {unknown[0]!r}")
    if missing := sorted(fields - set(obj)):
        raise CalendarFileError(f"{where} lacks the field {missing[0]!r}")


def _text(value: object, *, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise CalendarFileError(f"{where} must be a non-empty text of at most {MAX_TEXT} chars")
    return value


def _days(value: object, year: int, *, where: str) -> dict[date, str]:
    if not isinstance(value, list):
        raise CalendarFileError(f"{where} must be a list of {{date, name}}")
    days: dict[date, str] = {}
    for index, entry in enumerate(value):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise CalendarFileError(f"{at} must be an object {{date, name}}")
        _exact_fields(entry, DAY_FIELDS, where=at)
        day = _date(entry["date"], where=f"{at}.date")
        if day.year != year:
            raise CalendarFileError(f"{at}.date {day} is not in {year}")
        if day in days:
            raise CalendarFileError(f"{at}.date {day} is listed twice")
        days[day] = _text(entry["name"], where=f"{at}.name")
    return days


def _date(value: object, *, where: str) -> date:
    if not isinstance(value, str) or len(value) != 10:
        raise CalendarFileError(f"{where} {value!r} is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CalendarFileError(f"{where} {value!r} is not a date YYYY-MM-DD") from None
