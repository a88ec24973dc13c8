"""The years a service has loaded, kept in its own database (every query of that table is here).

Each service that counts working days adds `calendar_years_table(metadata)` to its tables and a
migration; the shipped years are seeded with `seed_shipped_years`, later years are loaded by an
administrator with `load_years`. Both return the years whose calendar changed, so the caller can
recompute provisional deadlines and say so in an event.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import UTCDateTime
from shared.workdays.calendar import WorkingCalendar
from shared.workdays.shipped import shipped_years
from shared.workdays.years import CalendarYear, parse_year


def calendar_years_table(metadata: MetaData) -> Table:
    return Table(
        "calendar_years",
        metadata,
        Column("year", Integer, primary_key=True, autoincrement=False),
        Column("document", JSON, nullable=False),
        Column("digest", String(64), nullable=False),
        Column("source", String(500), nullable=False),
        Column("loaded_at", UTCDateTime(), nullable=False),
    )


@dataclass(frozen=True)
class StoredYear:
    year: int
    digest: str
    source: str
    loaded_at: datetime


async def load_years(
    session: AsyncSession, table: Table, years: Sequence[CalendarYear], *, now: datetime
) -> list[int]:
    """Adds or replaces these years in the caller's transaction; returns those that changed."""
    if len({y.year for y in years}) != len(years):
        raise ValueError("a year is given twice")
    stored = {s.year: s.digest for s in await stored_years(session, table)}
    changed = []
    for year in sorted(years, key=lambda y: y.year):
        if stored.get(year.year) == year.digest():
            continue
        values = _row(year, now=now)
        if year.year in stored:
            await session.execute(update(table).where(table.c.year == year.year).values(values))
        else:
            await session.execute(insert(table).values(year=year.year, **values))
        changed.append(year.year)
    return changed


async def seed_shipped_years(session: AsyncSession, table: Table, *, now: datetime) -> list[int]:
    """Adds the shipped years this database lacks; never replaces a year already loaded."""
    present = {s.year for s in await stored_years(session, table)}
    missing = [y for y in shipped_years() if y.year not in present]
    return await load_years(session, table, missing, now=now)


async def stored_years(session: AsyncSession, table: Table) -> list[StoredYear]:
    t = table.c
    query = select(t.year, t.digest, t.source, t.loaded_at).order_by(t.year)
    return [StoredYear(*row) for row in (await session.execute(query)).all()]


async def read_calendar(session: AsyncSession, table: Table) -> WorkingCalendar:
    """Stored documents are validated again: a hand-edited row fails loudly, not silently."""
    rows = (await session.execute(select(table.c.year, table.c.document))).all()
    return WorkingCalendar(
        parse_year(document, origin=f"calendar_years row {year}") for year, document in rows
    )


def _row(year: CalendarYear, *, now: datetime) -> dict[str, object]:
    return {
        "document": year.to_document(),
        "digest": year.digest(),
        "source": year.source,
        "loaded_at": now,
    }
