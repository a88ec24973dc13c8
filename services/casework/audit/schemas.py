"""The audit trail of one assignment as auditors and the body read it, with each link's hashes."""

from uuid import UUID

from pydantic import BaseModel

from services.casework.assignments.details import TimelineView
from services.casework.audit.chain import Link


class AuditEntryView(TimelineView):
    assignment_id: UUID
    body_id: UUID
    prev_hash: str
    hash: str

    @classmethod
    def of_link(cls, link: Link) -> "AuditEntryView":
        e = link.entry
        return cls(
            **TimelineView.of(link).model_dump(),
            assignment_id=e.assignment_id,
            body_id=e.body_id,
            prev_hash=link.prev_hash,
            hash=link.hash,
        )


class AuditTrail(BaseModel):
    assignment_id: UUID
    entries: list[AuditEntryView]
