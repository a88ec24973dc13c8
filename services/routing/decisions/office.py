"""What a case-management officer may act on: their commission and the bodies under it.

A clue is theirs when a body of that tree leads or joins its current decision; a clue with no
lead (awaiting review, or returned) is theirs when its region lies in the territory of a
commission of that tree: GB/T 2260 codes nest, so a province's territory is every code with its
first two digits, a city's its first four, a county's its own code.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from services.routing.decisions.domain import RoutedClue
from services.routing.registry.bodies import Body
from shared.codes import Level

_PREFIX = {Level.PROVINCE: 2, Level.CITY: 4}
# Refused reads and decisions, with who and what; the log line's time is when.
audit = logging.getLogger("routing.audit")


@dataclass(frozen=True)
class OfficeScope:
    body_ids: frozenset[UUID]
    region_prefixes: frozenset[str]
    officer: str = ""  # who acts under this scope, for the refusals' log

    def refused(self, clue_id: UUID) -> None:
        audit.warning("clue.access_refused actor=%s clue=%s", self.officer, clue_id)

    def covers(self, clue: RoutedClue) -> bool:
        placed = {clue.lead_body_id, *clue.co_body_ids} - {None}
        if placed:
            return bool(placed & self.body_ids)
        return self.covers_region(clue.facts.region)

    def covers_region(self, region: str) -> bool:
        return any(region.startswith(p) for p in self.region_prefixes)


def scope_of(root: UUID, registry: Iterable[Body], *, officer: str = "") -> OfficeScope:
    """The body `root` and every body whose chain of parents reaches it."""
    children: dict[UUID, list[Body]] = {}
    by_id: dict[UUID, Body] = {}
    for body in registry:
        by_id[body.id] = body
        if body.parent_id is not None:
            children.setdefault(body.parent_id, []).append(body)
    found: dict[UUID, Body] = {}
    pending = [by_id[root]] if root in by_id else []
    while pending:
        body = pending.pop()
        if body.id not in found:
            found[body.id] = body
            pending.extend(children.get(body.id, ()))
    territory = frozenset(_territory(b) for b in found.values())
    return OfficeScope(frozenset(found), territory, officer)


def _territory(body: Body) -> str:
    return body.region[: _PREFIX.get(body.level, 6)]
