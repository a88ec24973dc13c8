"""Assignments: one per (clue, body), their state machine (DOMAIN.md, Lifecycle) and clocks."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4


class CaseworkError(Exception):
    """Root of this service's domain errors; the API maps them to problem+json once."""


class IllegalTransition(CaseworkError):
    pass


class AssignmentNotFound(CaseworkError):
    """Also raised for another body's assignment: its existence is not disclosed."""


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"


class AssignmentState(StrEnum):
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    INQUIRY = "inquiry"
    PRELIMINARY_VERIFICATION = "preliminary_verification"
    SHELVED = "shelved"
    CLOSED_NO_ACTION = "closed_no_action"
    CLARIFIED_CLOSED = "clarified_closed"
    CASE_FILED = "case_filed"
    CONCLUDED = "concluded"
    HANDED_OFF = "handed_off"
    RECTIFICATION = "rectification"
    CLOSED = "closed"


_S = AssignmentState
# Any state before conclusion may be handed off (移送) to another body.
_HANDOFF = frozenset({_S.HANDED_OFF})
TRANSITIONS: dict[AssignmentState, frozenset[AssignmentState]] = {
    _S.ASSIGNED: frozenset({_S.ACCEPTED, _S.RETURNED}) | _HANDOFF,
    # The four dispositions of Rules Art 21.
    _S.ACCEPTED: frozenset(
        {_S.INQUIRY, _S.PRELIMINARY_VERIFICATION, _S.SHELVED, _S.CLOSED_NO_ACTION}
    )
    | _HANDOFF,
    # An inquiry may end in a form_1 outcome, which is a conclusion.
    _S.INQUIRY: frozenset({_S.CLARIFIED_CLOSED, _S.PRELIMINARY_VERIFICATION, _S.CONCLUDED})
    | _HANDOFF,
    _S.PRELIMINARY_VERIFICATION: frozenset({_S.CLOSED_NO_ACTION, _S.CASE_FILED, _S.CONCLUDED})
    | _HANDOFF,
    # A shelved clue is reactivated (back to choosing a disposition) or closed later.
    _S.SHELVED: frozenset({_S.ACCEPTED, _S.CLOSED_NO_ACTION}) | _HANDOFF,
    _S.CASE_FILED: frozenset({_S.CONCLUDED}) | _HANDOFF,
    # A conclusion with nothing to rectify (e.g. no_violation) closes directly.
    _S.CONCLUDED: frozenset({_S.RECTIFICATION, _S.CLOSED}),
    _S.RECTIFICATION: frozenset({_S.CLOSED}),
    _S.RETURNED: frozenset(),
    _S.CLOSED_NO_ACTION: frozenset(),
    _S.CLARIFIED_CLOSED: frozenset(),
    _S.HANDED_OFF: frozenset(),
    _S.CLOSED: frozenset(),
}


def can_move(source: AssignmentState, target: AssignmentState) -> bool:
    return target in TRANSITIONS[source]


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    # True while working days are not yet applied: the clock counts calendar days for now and
    # is recomputed once the official working-day calendar is wired in (DOMAIN.md, Deadlines).
    provisional: bool


def sign_for_deadline(assigned_at: datetime, *, days: int) -> Deadline:
    return Deadline(due_at=assigned_at + timedelta(days=days), provisional=True)


@dataclass(frozen=True)
class ClueFacts:
    """What casework keeps of the routed clue; subjects carry ID numbers only as hashes."""

    receipt_number: str
    category: str
    channel: str
    summary: str
    region: str
    subjects: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Assignment:
    id: UUID
    clue_id: UUID
    body_id: UUID
    role: Role
    state: AssignmentState
    facts: ClueFacts
    decision_id: UUID
    assigned_at: datetime
    sign_for: Deadline

    def move_to(self, target: AssignmentState) -> "Assignment":
        if not can_move(self.state, target):
            raise IllegalTransition(f"{self.state} -> {target} is not allowed")
        return replace(self, state=target)


@dataclass(frozen=True)
class RoutingDecision:
    clue_id: UUID
    decision_id: UUID
    lead_body_id: UUID
    co_body_ids: list[UUID]
    facts: ClueFacts


def assign(decision: RoutingDecision, *, now: datetime, sign_for_days: int) -> list[Assignment]:
    """One `assigned` assignment per chosen body, the lead first; a body is never chosen twice."""
    roles = {decision.lead_body_id: Role.LEAD}
    for body_id in decision.co_body_ids:
        roles.setdefault(body_id, Role.CO)
    deadline = sign_for_deadline(now, days=sign_for_days)
    return [
        Assignment(
            id=uuid4(),
            clue_id=decision.clue_id,
            body_id=body_id,
            role=role,
            state=AssignmentState.ASSIGNED,
            facts=decision.facts,
            decision_id=decision.decision_id,
            assigned_at=now,
            sign_for=deadline,
        )
        for body_id, role in roles.items()
    ]
