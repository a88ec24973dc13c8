"""What callers ask casework for."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.casework.domain import AssignmentState


@dataclass(frozen=True)
class ListAssignments:
    body_id: UUID
    state: AssignmentState | None = None
    after: tuple[datetime, UUID] | None = None
    limit: int = 20


@dataclass(frozen=True)
class GetAssignment:
    body_id: UUID
    assignment_id: UUID
