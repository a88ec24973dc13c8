"""Audit use cases: one assignment's chain entries, and verifying the whole chain."""

from datetime import datetime
from uuid import UUID

from services.casework.audit.chain import Link, Verification, Verifier
from services.casework.domain import AssignmentNotFound
from services.casework.unit_of_work import CaseworkUnitOfWork

CHUNK = 1000


async def audit_of(uow: CaseworkUnitOfWork, *, assignment_id: UUID) -> list[Link]:
    """The entries of one assignment the caller's scope covers (none: 404, like any other)."""
    async with uow:
        links = await uow.audit.of_assignment(assignment_id)
    if not links:
        raise AssignmentNotFound(str(assignment_id))
    return links


async def verify_chain(uow: CaseworkUnitOfWork, *, now: datetime) -> Verification:
    """Walks the chain from its first entry in one snapshot; the result is recorded."""
    async with uow:
        await uow.audit.snapshot()
        verifier, after = Verifier(), 0
        while links := await uow.audit.chunk(after_seq=after, limit=CHUNK):
            if not verifier.feed(links):
                break
            after = links[-1].entry.seq
        result = verifier.finish(*await uow.audit.head())
        await uow.audit.record_check(result, at=now)
        await uow.commit()
    return result
