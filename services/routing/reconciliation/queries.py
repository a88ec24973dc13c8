"""Reading runs back, as far as the caller may see: an officer, the discrepancies and bodies
of their commission's tree (or its territory, for a clue no body holds yet); an administrator,
all of them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.routing.decisions.office import OfficeScope
from services.routing.reconciliation.model import KIND_NAMES, Kind
from services.routing.unit_of_work import RoutingUnitOfWork


@dataclass(frozen=True)
class Visible:
    """None: everything (an administrator)."""

    scope: OfficeScope | None

    def discrepancy(self, row: Any) -> bool:
        if self.scope is None:
            return True
        bodies = {UUID(b) for b in row.body_ids}
        if bodies:
            return bool(bodies & self.scope.body_ids)
        return row.region is None or self.scope.covers_region(row.region)

    def body(self, body_id: str) -> bool:
        return self.scope is None or UUID(body_id) in self.scope.body_ids


async def run_row(uow: RoutingUnitOfWork, run_id: UUID) -> Any:
    async with uow:
        return await uow.reconciliations.run(run_id)


async def runs_page(
    uow: RoutingUnitOfWork, *, before: datetime | None, limit: int
) -> tuple[list[Any], bool]:
    async with uow:
        rows = await uow.reconciliations.runs(before=before, limit=limit)
    return rows[:limit], len(rows) > limit


async def discrepancies(
    uow: RoutingUnitOfWork,
    run_id: UUID,
    visible: Visible,
    *,
    kind: str | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Visible discrepancies in order; read in chunks so a filter never shortens a page."""
    found: list[dict[str, Any]] = []
    async with uow:
        while limit is None or len(found) < limit:
            rows = await uow.reconciliations.discrepancies(run_id, after=after, limit=1000)
            if not rows:
                break
            after = rows[-1].id
            found += [
                as_dict(r)
                for r in rows
                if visible.discrepancy(r) and (kind is None or r.kind == kind)
            ]
    return found if limit is None else found[:limit]


async def history(uow: RoutingUnitOfWork, *, until: datetime, limit: int = 60) -> list[Any]:
    async with uow:
        return await uow.reconciliations.history(until=until, limit=limit)


def as_dict(row: Any) -> dict[str, Any]:
    values = dict(row._mapping)
    values["kind_name"] = KIND_NAMES.get(Kind(values["kind"]), values["kind"])
    return values
