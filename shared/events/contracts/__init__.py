"""Versioned event payloads. A breaking change is a new model with VERSION + 1, never an edit;
within a version fields are only added, optional, so every reader ignores what it does not know.
"""

from shared.events.contracts.base import Event, SubjectSnapshot
from shared.events.contracts.casework import (
    AssignmentAccepted,
    AssignmentEvent,
    AssignmentOverdue,
    AssignmentReturned,
    CaseAction,
    CaseConcluded,
    CaseDisposed,
    CaseProgressed,
    HandoffMode,
    HandoffRequested,
    Role,
)
from shared.events.contracts.intake import ClueReceived
from shared.events.contracts.routing import (
    ClueLinked,
    ClueRouted,
    DecisionKind,
    LinkBasis,
    RelatedClue,
)
from shared.events.contracts.status import ClueStatusChanged

REGISTRY: dict[str, type[Event]] = {
    model.event_type(): model
    for model in (
        ClueReceived,
        ClueRouted,
        ClueLinked,
        ClueStatusChanged,
        AssignmentAccepted,
        AssignmentReturned,
        AssignmentOverdue,
        CaseDisposed,
        CaseProgressed,
        HandoffRequested,
        CaseConcluded,
    )
}

__all__ = [
    "REGISTRY",
    "AssignmentAccepted",
    "AssignmentEvent",
    "AssignmentOverdue",
    "AssignmentReturned",
    "CaseAction",
    "CaseConcluded",
    "CaseDisposed",
    "CaseProgressed",
    "ClueLinked",
    "ClueReceived",
    "ClueRouted",
    "ClueStatusChanged",
    "DecisionKind",
    "Event",
    "HandoffMode",
    "HandoffRequested",
    "LinkBasis",
    "RelatedClue",
    "Role",
    "SubjectSnapshot",
]
