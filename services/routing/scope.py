"""What a case-management officer may read: their commission and the bodies under it.

Decisions are theirs when a body of that tree leads or joins; a decision with no lead yet
(awaiting review, or returned) is theirs when its clue's region lies in the territory of a
commission of that tree: GB/T 2260 codes nest, so a province's territory is every code with its
first two digits, a city's its first four, a county's its own code.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from services.routing.domain import Body, RoutingDecision
from shared.codes import Level

_PREFIX = {Level.PROVINCE: 2, Level.CITY: 4}


@dataclass(frozen=True)
class Scope:
    body_ids: frozenset[UUID]
    region_prefixes: frozenset[str]

    def covers(self, decision: RoutingDecision) -> bool:
        bodies = {decision.lead_body_id, *decision.co_body_ids} - {None}
        if bodies:
            return bool(bodies & self.body_ids)
        return any(decision.region.startswith(p) for p in self.region_prefixes)


def scope_of(root: UUID, registry: Iterable[Body]) -> Scope:
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
    return Scope(frozenset(found), frozenset(_territory(b) for b in found.values()))


def _territory(body: Body) -> str:
    return body.region[: _PREFIX.get(body.level, 6)]
