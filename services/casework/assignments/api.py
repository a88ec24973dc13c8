"""Routes of a body's assignments: parse -> query or command -> use case -> view, with ETags."""

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Header, Query, Response

from services.casework.assignments import handlers
from services.casework.assignments.commands import (
    Act,
    GetAssignment,
    InboxFilter,
    ListAssignments,
    Sort,
)
from services.casework.assignments.requests import ActionRequest
from services.casework.assignments.schemas import (
    AssignmentDetailView,
    AssignmentPage,
    AssignmentView,
)
from services.casework.deps import CurrentCaseworker, UowDep
from services.casework.domain import AssignmentState, Role
from services.casework.errors import PreconditionFailed, PreconditionRequired, etag
from shared.clock import utcnow
from shared.codes import Category, Channel
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor
from shared.problems import Unprocessable
from shared.timestamps import Instant

router = APIRouter(prefix="/v1/assignments", tags=["assignments"])
_ETAG = re.compile(r'"v([0-9]{1,9})"')
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "absent, or another body's assignment"}
}


@router.get("", summary="The caller's body's inbox, with counts per state")
async def list_assignments(
    caseworker: CurrentCaseworker,
    uow: UowDep,
    state: Annotated[list[AssignmentState] | None, Query(max_length=20)] = None,
    overdue: bool | None = None,
    escalated: Annotated[bool | None, Query(description="escalated to supervisors")] = None,
    due_before: Annotated[Instant | None, Query()] = None,
    category: Category | None = None,
    channel: Channel | None = None,
    role: Role | None = None,
    sort: Sort = Sort.RECEIVED,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AssignmentPage:
    filters = InboxFilter(
        states=frozenset(state or ()),
        overdue=overdue,
        escalated=escalated,
        due_before=due_before,
        category=category,
        channel=channel,
        role=role,
    )
    now = utcnow()
    after = _position(cursor) if cursor else None
    query = ListAssignments(filter=filters, now=now, sort=sort, after=after, limit=limit)
    inbox = await handlers.list_assignments(uow, query)
    page = inbox.page
    return AssignmentPage(
        items=[AssignmentView.of(a, now=now) for a in page.items],
        next_cursor=encode_cursor(*page.next_after) if page.next_after else None,
        counts=inbox.counts,
    )


@router.get(
    "/{assignment_id}",
    summary="One assignment with its timeline, its clocks and the notes it may read",
    responses=_NOT_FOUND,
)
async def get_assignment(
    assignment_id: UUID, caseworker: CurrentCaseworker, uow: UowDep, response: Response
) -> AssignmentDetailView:
    detail = await handlers.get_assignment(uow, GetAssignment(assignment_id=assignment_id))
    response.headers["ETag"] = etag(detail.assignment.version)
    return AssignmentDetailView.of_detail(detail, now=utcnow())


@router.post(
    "/{assignment_id}/actions",
    summary="Act on an assignment (If-Match: its ETag); the new version comes back",
    responses={
        **_NOT_FOUND,
        403: {"description": "the action needs a supervisor of this body"},
        409: {"description": "not allowed in the current state; `allowed` lists what is"},
        412: {"description": "the assignment changed since that ETag"},
        422: {"description": "a field is missing or invalid"},
        428: {"description": "If-Match is missing"},
    },
)
async def act(
    assignment_id: UUID,
    action: Annotated[ActionRequest, Body()],
    caseworker: CurrentCaseworker,
    uow: UowDep,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> AssignmentDetailView:
    command = Act(
        assignment_id=assignment_id,
        expected_versions=_versions(if_match),
        actor=caseworker.actor,
        step=action.step(),
    )
    detail = await handlers.act(uow, command)
    response.headers["ETag"] = etag(detail.assignment.version)
    return AssignmentDetailView.of_detail(detail, now=utcnow())


def _versions(if_match: str | None) -> frozenset[int]:
    """The strong ETags named (a weak one never matches, RFC 9110 13.1.1); `*` names none, so
    it is refused as missing."""
    if if_match is None or if_match.strip() in ("", "*"):
        raise PreconditionRequired("send the assignment's ETag in If-Match")
    tags = (_ETAG.fullmatch(tag.strip()) for tag in if_match.split(","))
    versions = frozenset(int(m[1]) for m in tags if m)
    if not versions:
        raise PreconditionFailed("If-Match names no version of this assignment")
    return versions


def _position(cursor: str) -> tuple[datetime, UUID]:
    try:
        return decode_cursor(cursor)
    except InvalidCursor:
        raise Unprocessable("cursor is not one this API issued") from None
