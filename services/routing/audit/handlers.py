"""Reading the audit (writing happens inside the use cases whose changes it records)."""

from services.routing.audit.domain import AuditEntry
from services.routing.unit_of_work import RoutingUnitOfWork


async def audit_page(
    uow: RoutingUnitOfWork, *, entity: str | None, key: str | None, after: int | None, limit: int
) -> tuple[list[AuditEntry], bool]:
    """`limit` entries, and whether there are more."""
    async with uow:
        found = await uow.audit.entries(entity=entity, entity_key=key, after=after, limit=limit)
    return found[:limit], len(found) > limit
