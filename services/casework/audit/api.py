"""The audit trail of one assignment, for its body and for auditors."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from services.casework.audit.handlers import audit_of
from services.casework.audit.schemas import AuditEntryView, AuditTrail
from services.casework.deps import AuditUowDep, CurrentAuditReader

router = APIRouter(prefix="/v1/assignments", tags=["audit"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "absent, or an assignment outside the caller's bodies"}
}


@router.get(
    "/{assignment_id}/audit",
    summary="Every action on the assignment as the hash chain holds it",
    responses=_NOT_FOUND,
)
async def audit_trail(
    assignment_id: UUID, reader: CurrentAuditReader, uow: AuditUowDep
) -> AuditTrail:
    links = await audit_of(uow, assignment_id=assignment_id)
    return AuditTrail(
        assignment_id=assignment_id, entries=[AuditEntryView.of_link(x) for x in links]
    )
