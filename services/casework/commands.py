"""What callers ask casework for."""

from dataclasses import dataclass
from uuid import UUID

from services.casework.domain import AssignmentState
from services.casework.repository import PageCursor


@dataclass(frozen=True)
class ListAssignments:
    body_id: UUID
    state: AssignmentState | None = None
    after: PageCursor | None = None
    limit: int = 20


@dataclass(frozen=True)
class GetAssignment:
    body_id: UUID
    assignment_id: UUID
