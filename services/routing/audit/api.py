"""The routing audit for administrators: every change, oldest first, one page at a time."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.routing.audit.handlers import audit_page
from services.routing.deps import RoutingAdmin, UowDep
from services.routing.errors import BadCursor

router = APIRouter(prefix="/v1", tags=["audit"])


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = None


@router.get("/audit", summary="Changes to the registry, the rule sets and decisions by hand")
async def audit(
    _: RoutingAdmin,
    uow: UowDep,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    key: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    after = _after(cursor)
    entries, more = await audit_page(uow, entity=entity, key=key, after=after, limit=limit)
    items = [AuditEntryOut.model_validate(e.__dict__) for e in entries]
    return AuditPage(items=items, next_cursor=str(items[-1].id) if more and items else None)


def _after(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit():
        raise BadCursor("cursor is not one this API gave out")
    return int(cursor)
