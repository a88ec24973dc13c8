"""One function per command or consumed event: load through the unit of work, call the domain."""

from datetime import datetime

from services.casework import domain
from services.casework.commands import GetAssignment, ListAssignments
from services.casework.domain import (
    Assignment,
    AssignmentNotFound,
    ClockPolicy,
    ClockRule,
    Role,
    Timekeeper,
    WorkingDays,
)
from services.casework.repository import Page
from services.casework.unit_of_work import CaseworkUnitOfWork, EventScope
from shared.codes import ClueStatus
from shared.events.contracts import ClueRouted, ClueStatusChanged
from shared.workdays import shipped_calendar


async def assign_routed_clue(
    scope: EventScope, event: ClueRouted, *, sign_for_days: int, now: datetime
) -> list[Assignment]:
    """Creates the assignments this decision still lacks; returns the ones it created."""
    timekeeper = _timekeeper(sign_for_days)
    wanted = domain.assign(_decision(event), now=now, timekeeper=timekeeper)
    created = [a for a in wanted if await scope.assignments.add(a)]
    # The referring agency's timeline gets one `assigned` entry per clue: the lead's.
    await scope.emit(*(_assigned_status(a, event) for a in created if a.role is Role.LEAD))
    return created


async def list_assignments(uow: CaseworkUnitOfWork, query: ListAssignments) -> Page:
    return await uow.assignments.list_for_body(
        query.body_id, state=query.state, after=query.after, limit=query.limit
    )


async def get_assignment(uow: CaseworkUnitOfWork, query: GetAssignment) -> Assignment:
    found = await uow.assignments.get_for_body(query.assignment_id, body_id=query.body_id)
    if found is None:
        raise AssignmentNotFound(str(query.assignment_id))
    return found


def _timekeeper(sign_for_days: int) -> Timekeeper:
    # The shipped years until the worker reads the years loaded into calendar_years.
    policy = ClockPolicy(sign_for=ClockRule(WorkingDays(sign_for_days)))
    return Timekeeper(shipped_calendar(), policy)


def _decision(event: ClueRouted) -> domain.RoutingDecision:
    facts = domain.ClueFacts(
        receipt_number=event.receipt_number,
        category=event.category.value,
        channel=event.channel.value,
        summary=event.summary,
        region=event.region,
        subjects=[s.model_dump(mode="json") for s in event.subjects],
    )
    return domain.RoutingDecision(
        clue_id=event.clue_id,
        decision_id=event.decision_id,
        lead_body_id=event.lead_body_id,
        co_body_ids=list(event.co_body_ids),
        facts=facts,
    )


def _assigned_status(lead: Assignment, event: ClueRouted) -> ClueStatusChanged:
    co_bodies = len({b for b in event.co_body_ids if b != lead.body_id})
    note = "assigned to the lead body"
    if co_bodies:
        note += f" with {co_bodies} co-bod{'y' if co_bodies == 1 else 'ies'}"
    return ClueStatusChanged(
        clue_id=lead.clue_id,
        status=ClueStatus.ASSIGNED,
        occurred_at=lead.assigned_at,
        body_id=lead.body_id,
        body_name=event.lead_body_name,
        note=note,
        # Reported under the routing decision it acts on; the first report of this assignment.
        stage=event.stage,
        sequence=1,
    )
