"""Who acts and with whose approval, what casework keeps of a clue, and the records of its work."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from services.casework.domain.clocks import Timekeeper

SUPERVISOR = "supervisor"
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    user_id: str
    body_id: UUID
    roles: frozenset[str] = frozenset()

    @classmethod
    def system(cls, body_id: UUID) -> "Actor":
        """Casework itself acting on an event (a new clue wakes a shelved one)."""
        return cls(SYSTEM, body_id, frozenset({SYSTEM}))

    @property
    def is_supervisor(self) -> bool:
        return SUPERVISOR in self.roles


@dataclass(frozen=True)
class Approval:
    """A supervisor's approval; a supervisor acting themselves passes their own."""

    approver: Actor


@dataclass(frozen=True)
class ActionContext:
    """Who acts, when, and the calendar and limits the action's clocks are counted with."""

    by: Actor
    at: datetime
    timekeeper: Timekeeper

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("an action happens at an aware instant")


@dataclass(frozen=True)
class ClueFacts:
    """What casework keeps of the routed clue; subjects carry ID numbers only as hashes."""

    receipt_number: str
    category: str
    channel: str
    summary: str
    region: str
    subjects: list[dict[str, Any]] = field(default_factory=list)
    # 交办件: assigned down by a higher body, with its own 3-month clock.
    assigned_down: bool = False
    # A real-name reporter is owed acceptance and result notices; the identity stays in intake.
    reporter_real_name: bool = False
    # A handoff or split from another body: its assignment, the body, and the part transferred.
    handoff_of: UUID | None = None
    from_body_id: UUID | None = None
    part: str | None = None


@dataclass(frozen=True)
class RoutingDecision:
    clue_id: UUID
    decision_id: UUID
    lead_body_id: UUID
    co_body_ids: list[UUID]
    facts: ClueFacts
    # Routing's decision sequence for the clue; every event about the assignment carries it.
    stage: int = 1
    lead_body_name: str | None = None


class NoteVisibility(StrEnum):
    INTERNAL = "internal"
    SHARED = "shared"  # seen by the lead and every co-body of the clue


class ReporterNotice(StrEnum):
    ACCEPTANCE = "acceptance"
    RESULT = "result"


class HandoffKind(StrEnum):
    WHOLE = "whole"
    SPLIT = "split"  # part kept, part transferred, Reg Art 171(3)


@dataclass(frozen=True)
class Note:
    id: UUID
    body_id: UUID
    author: str
    at: datetime
    text: str
    visibility: NoteVisibility


@dataclass(frozen=True)
class InquiryLetter:
    id: UUID
    recipient: str
    sent_at: datetime
    reply_at: datetime | None = None
    reply_summary: str | None = None


@dataclass(frozen=True)
class VerificationResult:
    id: UUID
    at: datetime
    by: str
    findings: str


@dataclass(frozen=True)
class RectificationSpec:
    description: str
    owner: str
    due_on: date


@dataclass(frozen=True)
class RectificationItem:
    id: UUID
    description: str
    owner: str
    due_on: date
    completed_at: datetime | None = None
    report: str | None = None
    overdue_reported: bool = False


@dataclass(frozen=True)
class Transfer:
    """A handoff to a body of this system (by id) or outside it (by name, for routing's review)."""

    kind: HandoffKind
    target_body_id: UUID | None
    at: datetime
    reason: str
    transferred_part: str | None = None
    kept_part: str | None = None
    target_name: str | None = None
    id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class TimelineEntry:
    """One action as the audit trail records it: who, when, what, state before and after."""

    at: datetime
    actor: str
    action: str
    before: str
    after: str
    details: dict[str, str] = field(default_factory=dict)
