"""The assignment aggregate (one per clue and body) and how a routing decision creates them."""

from datetime import datetime
from uuid import UUID, uuid4

from services.casework.domain.aftercare import Aftercare
from services.casework.domain.clocks import ClockKind, Timekeeper
from services.casework.domain.investigation import Investigation
from services.casework.domain.lifecycle import Lifecycle
from services.casework.domain.states import AssignmentState, Role
from services.casework.domain.timekeeping import Timekeeping
from services.casework.domain.values import SYSTEM, Note, RoutingDecision, TimelineEntry

# Started on receipt; docs/casework-domain.md says when each clock stops.
ON_RECEIPT = (ClockKind.SIGN_FOR, ClockKind.FORWARD, ClockKind.HANDLING_OPINION)


class Assignment(Lifecycle, Investigation, Aftercare, Timekeeping):
    """Commands check the state and raise IllegalTransition, InvalidCommand or ApprovalRequired
    before changing anything; each successful one adds 1 to `version`, appends its events and
    one timeline entry."""


def assign(decision: RoutingDecision, *, now: datetime, timekeeper: Timekeeper) -> list[Assignment]:
    """One `assigned` assignment per chosen body, the lead first; a body is never chosen twice."""
    roles = {decision.lead_body_id: Role.LEAD}
    for body_id in decision.co_body_ids:
        roles.setdefault(body_id, Role.CO)
    return [_assigned(decision, body_id, role, now, timekeeper) for body_id, role in roles.items()]


def _assigned(
    decision: RoutingDecision, body_id: UUID, role: Role, now: datetime, timekeeper: Timekeeper
) -> Assignment:
    kinds = [*ON_RECEIPT, *([ClockKind.ASSIGNED_DOWN] if decision.facts.assigned_down else [])]
    entry = TimelineEntry(
        now, SYSTEM, "assign", "", AssignmentState.ASSIGNED.value, {"role": role.value}
    )
    return Assignment(
        id=uuid4(),
        clue_id=decision.clue_id,
        body_id=body_id,
        role=role,
        state=AssignmentState.ASSIGNED,
        facts=decision.facts,
        decision_id=decision.decision_id,
        assigned_at=now,
        clocks=[timekeeper.start(kind, now) for kind in kinds],
        timeline=[entry],
        stage=decision.stage,
        body_name=decision.lead_body_name if role is Role.LEAD else None,
    )


def visible_notes(viewer_body_id: UUID, assignments: list[Assignment]) -> list[Note]:
    """What a body sees of one clue's notes: all of its own, the others' shared ones, by time."""
    if len({a.clue_id for a in assignments}) > 1:
        raise ValueError("notes are shared between the assignments of one clue")
    if viewer_body_id not in {a.body_id for a in assignments}:
        return []
    notes = [n for a in assignments for n in a.notes_for(viewer_body_id)]
    return sorted(notes, key=lambda n: n.at)
