"""Use cases of the caseworkers' API: the inbox, one assignment, one action on it."""

from dataclasses import dataclass

from services.casework.assignments.commands import Act, GetAssignment, ListAssignments
from services.casework.assignments.inbox import Page
from services.casework.assignments.steps import perform
from services.casework.audit.chain import Link
from services.casework.domain import ActionContext, Assignment, AssignmentNotFound, Note
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.clock import utcnow


@dataclass(frozen=True)
class Inbox:
    page: Page
    counts: dict[str, int]


@dataclass(frozen=True)
class AssignmentDetail:
    assignment: Assignment
    timeline: list[Link]
    notes: list[Note]


async def list_assignments(uow: CaseworkUnitOfWork, query: ListAssignments) -> Inbox:
    async with uow:
        page = await uow.inbox.page(query)
        counts = await uow.inbox.counts(query.filter, now=query.now)
    return Inbox(page, counts)


async def get_assignment(uow: CaseworkUnitOfWork, query: GetAssignment) -> AssignmentDetail:
    async with uow:
        return await _detail(uow, await _found(uow, query))


async def act(uow: CaseworkUnitOfWork, command: Act) -> AssignmentDetail:
    """Refusals (404, 412, 409, 403, 422, in that order) leave the transaction unwritten."""
    async with uow:
        await uow.lock_for_writing()
        assignment = await _found(uow, GetAssignment(assignment_id=command.assignment_id))
        assignment.expect_version(command.expected_versions)
        ctx = ActionContext(command.actor, utcnow(), await uow.timekeeper())
        perform(assignment, ctx, command.step)
        await uow.assignments.save(assignment)
        uow.track(assignment)
        detail = await _detail(uow, assignment)
        await uow.commit()
    return detail


async def _found(uow: CaseworkUnitOfWork, query: GetAssignment) -> Assignment:
    found = await uow.assignments.get(query.assignment_id)
    if found is None:
        raise AssignmentNotFound(str(query.assignment_id))
    return found


async def _detail(uow: CaseworkUnitOfWork, a: Assignment) -> AssignmentDetail:
    timeline = await uow.audit.of_assignment(a.id)
    return AssignmentDetail(a, timeline, await uow.assignments.notes_visible_with(a))
