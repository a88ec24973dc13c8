"""Which ranges differ, how finely to look, which clues differ within them. Pure.

Agreeing ranges cost one comparison of digests. Ranges are refined one hex digit at a time
until they hold about LEAF clues, so the work beyond the first pass grows with the number of
differing clues, not with the total; only then are the clues of a range listed.
"""

import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from uuid import UUID

from shared.ledger.digest import MAX_PREFIX
from shared.ledger.schemas import LedgerItem

# (view, one ledger, the other): the handoffs compared.
PAIRS: tuple[tuple[str, str, str], ...] = (
    ("received", "intake", "routing"),
    ("routed", "routing", "casework"),
    ("status", "casework", "intake"),
)
SERVICES = ("intake", "routing", "casework")
LEAF = 32
Digests = Mapping[str, Mapping[str, str]]


def levels(total: int) -> tuple[int, int]:
    """(first prefix length, the length at which ranges are listed) for `total` clues."""
    leaf = min(MAX_PREFIX, max(1, math.ceil(math.log(max(total, 1) / LEAF, 16))))
    return max(1, leaf - 1), leaf


def differing(digests: Mapping[str, Digests]) -> set[str]:
    prefixes = {p for service in SERVICES for p in digests.get(service, {})}
    return {
        prefix
        for prefix in prefixes
        for view, one, other in PAIRS
        if digests.get(one, {}).get(prefix, {}).get(view)
        != digests.get(other, {}).get(prefix, {}).get(view)
    }


def children(prefixes: Iterable[str]) -> list[str]:
    return sorted(p + h for p in prefixes for h in "0123456789abcdef")


def differing_clues(items: Mapping[str, Mapping[UUID, LedgerItem]]) -> set[UUID]:
    clues = {c for service in SERVICES for c in items.get(service, {})}
    return {
        clue
        for clue in clues
        for view, one, other in PAIRS
        if _fact(items, one, clue, view) != _fact(items, other, clue, view)
    }


def in_flight(
    clue: UUID, items: Mapping[str, Mapping[UUID, LedgerItem]], *, now: datetime, settle: timedelta
) -> bool:
    """Changed on some side within `settle`: its events may still be on their way."""
    times = [
        i.changed_at
        for service in SERVICES
        if (i := items.get(service, {}).get(clue)) is not None and i.changed_at is not None
    ]
    return bool(times) and max(times) > now - settle


def _fact(
    items: Mapping[str, Mapping[UUID, LedgerItem]], service: str, clue: UUID, view: str
) -> str | None:
    item = items.get(service, {}).get(clue)
    return item.facts.get(view) if item is not None else None


def chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[n : n + size] for n in range(0, len(values), size)]
