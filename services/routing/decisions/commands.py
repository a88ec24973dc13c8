"""What routing is asked to do: by events from intake and casework, and by officers."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.routing.decisions.model import Handoff
from services.routing.decisions.office import OfficeScope
from shared.events.contracts import ClueReceived


@dataclass(frozen=True, kw_only=True)
class RouteReceivedClue:
    clue: ClueReceived


@dataclass(frozen=True, kw_only=True)
class RecordReturn:
    clue_id: UUID
    assignment_id: UUID
    decision_id: UUID
    body_id: UUID
    lead: bool
    reason: str
    returned_at: datetime


@dataclass(frozen=True, kw_only=True)
class RequestHandoff:
    clue_id: UUID
    handoff: Handoff


@dataclass(frozen=True, kw_only=True)
class AcknowledgeAssignment:
    clue_id: UUID
    assignment_id: UUID
    decision_id: UUID
    body_id: UUID
    accepted_at: datetime


@dataclass(frozen=True, kw_only=True)
class RecordConclusion:
    clue_id: UUID
    decision_id: UUID
    lead: bool
    concluded_at: datetime


@dataclass(frozen=True, kw_only=True)
class DecideByHand:
    """Routes a clue waiting for review, or overrides its decision; the reason is mandatory."""

    clue_id: UUID
    lead_body_id: UUID
    co_body_ids: tuple[UUID, ...]
    reason: str
    actor: str
    scope: OfficeScope
