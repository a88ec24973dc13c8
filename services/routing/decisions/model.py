"""The values of the ledger: a decision, a return, a handoff request, the events they raise."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from services.routing.rules import Outcome, RuleHit
from services.routing.rules.result import DECIDING
from shared import limits
from shared.codes import ClueStatus
from shared.events.contracts import ClueReceived, DecisionKind
from shared.workdays import Deadline

HANDOFF_KINDS = frozenset({DecisionKind.HANDOFF, DecisionKind.SPLIT})


class RoutingStatus(StrEnum):
    """Where the clue stands at routing (the agency reads ClueStatus, mapped from this)."""

    ROUTED = "routed"
    PENDING_REVIEW = "pending_review"
    RETURNED_TO_SENDER = "returned_to_sender"
    TRANSFERRED = "transferred"


class HandoffMode(StrEnum):
    WHOLE = "whole"
    SPLIT = "split"


@dataclass(frozen=True)
class Handoff:
    """移送 as casework asked for it (Reg Arts 169, 171(3))."""

    handoff_id: UUID
    assignment_id: UUID
    decision_id: UUID
    from_body_id: UUID
    target_body_id: UUID | None
    target_name: str | None
    mode: HandoffMode
    kept_part: str | None
    transferred_part: str | None
    reason: str
    requested_at: datetime

    @property
    def kind(self) -> DecisionKind:
        return DecisionKind.SPLIT if self.mode is HandoffMode.SPLIT else DecisionKind.HANDOFF


class TransferStatus(StrEnum):
    FORWARDED = "forwarded"  # routed to the receiving body; waits for its acknowledgement
    REFUSED = "refused"  # the target could not take it: waits in the review queue


@dataclass(frozen=True)
class Transfer:
    handoff: Handoff
    clue_id: UUID
    status: TransferStatus
    due: Deadline
    recorded_at: datetime
    refusal: str | None = None
    decision_id: UUID | None = None  # the decision that routed it to the receiving body
    to_body_id: UUID | None = None
    acknowledged_at: datetime | None = None
    acknowledged_assignment_id: UUID | None = None


@dataclass(frozen=True)
class Decision:
    id: UUID
    clue_id: UUID
    stage: int
    kind: DecisionKind
    outcome: Outcome
    lead_body_id: UUID | None
    co_body_ids: tuple[UUID, ...]
    hits: tuple[RuleHit, ...]
    rule_set_version: str | None
    reason: str  # the case-management office's words
    sender_reason: str  # what the referring agency may read: no rule names
    decided_at: datetime
    decided_by: str | None = None  # None: the rules decided
    kept: tuple[int, ...] | None = None  # positions of the subjects routed; None: all
    part: str | None = None
    handoff_of: UUID | None = None
    from_body_id: UUID | None = None
    lead_body_name: str | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule that matched, once each, in the order they were tried."""
        return tuple(dict.fromkeys(h.rule for h in self.hits))

    @property
    def rule(self) -> str:
        """The deciding rules joined, as long as they fit the event's field."""
        deciding = [h.rule for h in self.hits if h.effect in DECIDING] or [self.kind.value]
        joined = ""
        for rule in deciding:
            longer = f"{joined}+{rule}" if joined else rule
            if len(longer) > limits.RULE_MAX:
                break
            joined = longer
        return joined or deciding[0][: limits.RULE_MAX]


@dataclass(frozen=True)
class Decided:
    """Raised by every decision; `status` is None when the agency is told nothing new."""

    facts: ClueReceived
    decision: Decision
    status: ClueStatus | None
    sequence: int
    body_name: str | None


def routing_status(decision: Decision) -> RoutingStatus:
    if decision.outcome is Outcome.RETURN:
        return RoutingStatus.RETURNED_TO_SENDER
    if decision.outcome is Outcome.REVIEW:
        return RoutingStatus.PENDING_REVIEW
    if decision.handoff_of is not None:
        return RoutingStatus.TRANSFERRED
    return RoutingStatus.ROUTED


def agency_status(decision: Decision) -> ClueStatus | None:
    """A refused handoff waits for review without telling the agency: its clue is still being
    handled, and `transferred` is reported only once a body is confirmed."""
    status = routing_status(decision)
    if status is RoutingStatus.PENDING_REVIEW and decision.kind in HANDOFF_KINDS:
        return None
    return ClueStatus(status.value)
