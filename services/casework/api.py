"""HTTP routes: parse -> query -> handler -> response, always scoped to the caller's body."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from services.casework import handlers
from services.casework.commands import GetAssignment, ListAssignments
from services.casework.domain import (
    AssignmentNotFound,
    AssignmentState,
    CaseworkError,
    IllegalTransition,
)
from services.casework.schemas import AssignmentPage, AssignmentView
from services.casework.unit_of_work import SOURCE, CaseworkUnitOfWork
from shared.auth import Principal
from shared.bearer import bearer_principal
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor
from shared.problems import Conflict, NotFound, Problem, Unprocessable
from shared.runtime import Runtime

CASEWORKER_ROLE = "caseworker"
_caseworker_token = bearer_principal(roles=[CASEWORKER_ROLE], needs_body=True)


@dataclass(frozen=True)
class Caseworker:
    user_id: str
    body_id: UUID


async def current_caseworker(
    principal: Annotated[Principal, Depends(_caseworker_token)],
) -> Caseworker:
    assert principal.body_id is not None  # needs_body
    return Caseworker(user_id=principal.user_id, body_id=principal.body_id)


async def unit_of_work(request: Request) -> AsyncIterator[CaseworkUnitOfWork]:
    runtime: Runtime = request.app.state.runtime
    uow = CaseworkUnitOfWork(
        runtime.sessions, runtime.outbox, source=SOURCE, on_commit=runtime.relay.wake
    )
    async with uow:
        yield uow


CurrentCaseworker = Annotated[Caseworker, Depends(current_caseworker)]
UnitOfWorkDep = Annotated[CaseworkUnitOfWork, Depends(unit_of_work)]

router = APIRouter(prefix="/v1/assignments", tags=["assignments"])


@router.get("", summary="The caller's body's assignments, newest first")
async def list_assignments(
    caseworker: CurrentCaseworker,
    uow: UnitOfWorkDep,
    state: AssignmentState | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AssignmentPage:
    after = _position(cursor) if cursor else None
    query = ListAssignments(caseworker.body_id, state=state, after=after, limit=limit)
    page = await handlers.list_assignments(uow, query)
    next_cursor = encode_cursor(*page.next_after) if page.next_after else None
    return AssignmentPage.of(page.items, next_cursor)


@router.get("/{assignment_id}", summary="One assignment of the caller's body")
async def get_assignment(
    assignment_id: UUID, caseworker: CurrentCaseworker, uow: UnitOfWorkDep
) -> AssignmentView:
    query = GetAssignment(body_id=caseworker.body_id, assignment_id=assignment_id)
    return AssignmentView.of(await handlers.get_assignment(uow, query))


def _position(cursor: str) -> tuple[datetime, UUID]:
    try:
        return decode_cursor(cursor)
    except InvalidCursor:
        raise Unprocessable("cursor is not one this API issued") from None


PROBLEMS: dict[type[CaseworkError], type[Problem]] = {
    AssignmentNotFound: NotFound,
    IllegalTransition: Conflict,
}
