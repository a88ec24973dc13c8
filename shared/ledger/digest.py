"""Digests per range of clue ids, computed by the database where it can.

A range is a prefix of the clue id's hex form (`3f`: every id from 3f000000-... up to 3fffffff-
...). Each clue contributes, per view, the first 64 bits of the MD5 of `<clue id>#<fact>`; a
range's digest is the count of its clues with that fact and the XOR of those 64-bit values. A
clue has one fact per view (a service folds its rows about a clue into it), so nothing can
cancel out, and XOR does not depend on order: PostgreSQL aggregates it with no sort
(`bit_xor`), SQLite's path (Python over a streamed query) gives the same bytes, and agreeing
ranges cost one string comparison.
"""

import hashlib
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Row,
    Select,
    Text,
    and_,
    cast,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import BIT
from sqlalchemy.ext.asyncio import AsyncSession

MAX_PREFIX = 8
HEX = "0123456789abcdef"


@dataclass
class Accumulator:
    count: int = 0
    xor: int = 0

    def add(self, clue_id: str, fact: str) -> None:
        digest = hashlib.md5(f"{clue_id}#{fact}".encode(), usedforsecurity=False).hexdigest()
        self.count += 1
        self.xor ^= signed64(digest[:16])

    def text(self) -> str:
        return f"{self.count}:{self.xor}"


@dataclass
class Bucket:
    """One range: per view, its digest (`count:xor`); a view no clue has is absent."""

    prefix: str
    digests: dict[str, str] = field(default_factory=dict)


def signed64(hex16: str) -> int:
    value = int(hex16, 16)
    return value - (1 << 64) if value >= 1 << 63 else value


def prefix_bounds(prefix: str) -> tuple[UUID, UUID | None]:
    """The ids a prefix covers: `low <= id < high` (no high past ffff...)."""
    if not prefix or len(prefix) > MAX_PREFIX or any(c not in HEX for c in prefix):
        raise ValueError(f"not a clue id prefix: {prefix!r}")
    low = UUID(prefix.ljust(32, "0"))
    following = int(prefix, 16) + 1
    if following >= 16 ** len(prefix):
        return low, None
    return low, UUID(f"{following:0{len(prefix)}x}".ljust(32, "0"))


def within(column: ColumnElement[Any], prefixes: Iterable[str]) -> ColumnElement[bool]:
    """The ids under any of `prefixes`, as ranges the index on `column` serves."""
    ranges = []
    for low, high in _merged(sorted(set(prefixes))):
        ranges.append(column >= low if high is None else and_(column >= low, column < high))
    return or_(*ranges) if ranges else false()


def _merged(prefixes: Sequence[str]) -> list[tuple[UUID, UUID | None]]:
    """Adjacent ranges joined, so a run of neighbouring prefixes is one index range."""
    merged: list[tuple[UUID, UUID | None]] = []
    for prefix in prefixes:
        low, high = prefix_bounds(prefix)
        if merged and merged[-1][1] == low:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged


FactsOf = Callable[[Sequence[Row[Any]]], dict[str, str | None]]


@dataclass(frozen=True)
class Facts:
    """What a service's ledger says about each clue of a query, two ways that must agree:
    `sql` (PostgreSQL) selects `clue_id` and one text column per view (NULL: no such fact);
    `raw` selects rows ordered by `clue_id`, and `of` turns one clue's rows into its facts
    (SQLite, and the items of a few ranges on either database)."""

    views: tuple[str, ...]
    sql: Select[Any]
    raw: Select[Any]
    of: FactsOf


async def bucket_digests(
    session: AsyncSession, facts: Facts, *, prefix_length: int
) -> list[Bucket]:
    if not 1 <= prefix_length <= MAX_PREFIX:
        raise ValueError("prefix_length must be 1..8")
    if session.get_bind().dialect.name == "postgresql":
        return await _in_postgresql(session, facts.sql, facts.views, prefix_length)
    return await _in_python(session, facts, prefix_length)


async def clue_rows(session: AsyncSession, raw: Select[Any]) -> AsyncIterator[list[Row[Any]]]:
    """The rows of `raw` (ordered by clue_id), one clue at a time."""
    result = await session.stream(raw)
    current: list[Row[Any]] = []
    async for row in result:
        if current and row.clue_id != current[0].clue_id:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


async def _in_postgresql(
    session: AsyncSession, facts: Select[Any], views: Sequence[str], length: int
) -> list[Bucket]:
    rows = facts.subquery("facts")
    clue = cast(rows.c.clue_id, Text)
    hashed = select(
        func.substr(clue, 1, length).label("prefix"),
        *(func.md5(clue + literal("#") + rows.c[v]).label(v) for v in views),
    ).subquery("hashed")
    columns: list[Any] = [hashed.c.prefix]
    for v in views:
        columns += [func.count(hashed.c[v]), func.bit_xor(_signed(hashed.c[v]))]
    query = select(*columns).group_by(hashed.c.prefix).order_by(hashed.c.prefix)
    found = []
    for row in (await session.execute(query)).all():
        bucket = Bucket(row[0])
        for n, view in enumerate(views):
            count, xor = row[1 + 2 * n : 3 + 2 * n]
            if count:
                bucket.digests[view] = f"{count}:{int(xor)}"
        found.append(bucket)
    return found


def _signed(hex32: ColumnElement[Any]) -> ColumnElement[Any]:
    """The first 64 bits of a hex MD5 as a signed bigint (a cast to bit(64) truncates)."""
    return cast(cast(literal("x") + hex32, BIT(64)), BigInteger)


async def _in_python(session: AsyncSession, facts: Facts, length: int) -> list[Bucket]:
    sums: dict[str, dict[str, Accumulator]] = {}
    async for rows in clue_rows(session, facts.raw):
        clue = str(rows[0].clue_id)
        per_view = sums.setdefault(clue[:length], {})
        for view, fact in facts.of(rows).items():
            if fact is not None:
                per_view.setdefault(view, Accumulator()).add(clue, fact)
    return [
        Bucket(prefix, {v: acc.text() for v, acc in per_view.items()})
        for prefix, per_view in sorted(sums.items())
    ]
