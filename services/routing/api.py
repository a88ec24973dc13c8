"""Routing's HTTP API: the body registry for everyone signed in, decisions for case management."""

import logging
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from services.routing import handlers
from services.routing.domain import RoutingError, UnknownBody, UnknownDecision
from services.routing.repository import QueuePosition
from services.routing.schemas import BodyList, BodyOut, DecisionOut, ReviewQueuePage
from services.routing.scope import Scope
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.auth import Principal
from shared.bearer import bearer_principal
from shared.codes import BodyKind, Level
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor
from shared.problems import NotFound, Problem, Unprocessable

CASE_MANAGEMENT = "case_management"
# Refused reads, with who and what; the log line's time is when.
audit = logging.getLogger("routing.audit")

router = APIRouter(prefix="/v1", tags=["routing"])


def unit_of_work(request: Request) -> RoutingUnitOfWork:
    runtime = request.app.state.runtime
    return RoutingUnitOfWork(runtime.sessions, runtime.outbox, on_commit=runtime.relay.wake)


CurrentPrincipal = Annotated[Principal, Depends(bearer_principal())]
CaseManager = Annotated[
    Principal, Depends(bearer_principal(roles=[CASE_MANAGEMENT], needs_body=True))
]
UnitOfWorkDep = Annotated[RoutingUnitOfWork, Depends(unit_of_work)]
Region = Annotated[str | None, Query(pattern=r"^\d{6}$", description="6-digit division code")]
PageSize = Annotated[int, Query(ge=1, le=200)]


@router.get("/bodies", summary="Supervision bodies in the registry")
async def list_bodies(
    _: CurrentPrincipal,
    uow: UnitOfWorkDep,
    kind: BodyKind | None = None,
    level: Level | None = None,
    region: Region = None,
) -> BodyList:
    found = await handlers.list_bodies(uow, kind=kind, level=level, region=region)
    return BodyList(items=[BodyOut.of(b) for b in found])


@router.get("/bodies/{body_id}", summary="One supervision body")
async def get_body(body_id: UUID, _: CurrentPrincipal, uow: UnitOfWorkDep) -> BodyOut:
    return BodyOut.of(await handlers.get_body(uow, body_id))


async def case_scope(manager: CaseManager, uow: UnitOfWorkDep) -> Scope:
    assert manager.body_id is not None  # needs_body
    return await handlers.scope_for(uow, manager.body_id)


ManagedScope = Annotated[Scope, Depends(case_scope)]


@router.get(
    "/decisions/{clue_id}",
    summary="The routing decision for a clue of the caller's commission or a body under it",
)
async def get_decision(
    clue_id: UUID, manager: CaseManager, scope: ManagedScope, uow: UnitOfWorkDep
) -> DecisionOut:
    try:
        return DecisionOut.of(await handlers.get_decision(uow, clue_id, scope=scope))
    except UnknownDecision:
        audit.warning(
            "decision.read_refused actor=staff:%s body=%s clue=%s",
            manager.user_id,
            manager.body_id,
            clue_id,
        )
        raise


@router.get("/review-queue", summary="Clues of the caller's regions no rule could place")
async def review_queue(
    scope: ManagedScope, uow: UnitOfWorkDep, cursor: str | None = None, limit: PageSize = 50
) -> ReviewQueuePage:
    after = _position(cursor) if cursor else None
    page = await handlers.review_queue(uow, scope=scope, after=after, limit=limit)
    next_cursor = encode_cursor(page[-1].decided_at, page[-1].id) if len(page) == limit else None
    return ReviewQueuePage(items=[DecisionOut.of(d) for d in page], next_cursor=next_cursor)


def _position(cursor: str) -> QueuePosition:
    try:
        return decode_cursor(cursor)
    except InvalidCursor:
        raise Unprocessable("cursor is not one this API gave out") from None


PROBLEMS: dict[type[RoutingError], type[Problem]] = {
    UnknownBody: NotFound,
    UnknownDecision: NotFound,
}
