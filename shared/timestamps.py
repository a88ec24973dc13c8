"""Instants from outside (query parameters, bodies, cursors): RFC 3339 text in a sane range.

pydantic alone reads `0.5` as a Unix time and accepts year 1 or 9999 with any offset, which
databases then fail to store or compare (a 500); every instant a client sends goes through here.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")


def parse_instant(value: Any) -> datetime:
    """An aware UTC datetime from RFC 3339 text, within EARLIEST_YEAR..LATEST_YEAR."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and _RFC3339.fullmatch(value.strip()):
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    else:
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2025-01-31T08:00:00Z")
    if parsed.tzinfo is None:
        raise ValueError("must carry an offset (Z or ±hh:mm)")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return parsed.astimezone(UTC)


Instant = Annotated[datetime, BeforeValidator(parse_instant)]


def parse_day(value: Any) -> date:
    """A calendar day from ISO text (2025-01-31) only: pydantic alone reads 0 as 1970-01-01."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value):
        return date.fromisoformat(value)
    raise ValueError("must be a date as YYYY-MM-DD, e.g. 2025-01-31")


Day = Annotated[date, BeforeValidator(parse_day)]
