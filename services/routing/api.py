"""Routing's HTTP API: the body registry for everyone signed in, decisions for case management."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from services.routing import handlers
from services.routing.domain import RoutingError, UnknownBody, UnknownDecision
from services.routing.repository import QueuePosition
from services.routing.schemas import BodyList, BodyOut, DecisionOut, ReviewQueuePage
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.auth import Principal
from shared.bearer import bearer_principal
from shared.codes import BodyKind, Level
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor
from shared.problems import NotFound, Problem, Unprocessable

CASE_MANAGEMENT = "case_management"

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


@router.get("/decisions/{clue_id}", summary="The routing decision for a clue")
async def get_decision(clue_id: UUID, _: CaseManager, uow: UnitOfWorkDep) -> DecisionOut:
    return DecisionOut.of(await handlers.get_decision(uow, clue_id))


@router.get("/review-queue", summary="Clues no rule could place, oldest first")
async def review_queue(
    _: CaseManager, uow: UnitOfWorkDep, cursor: str | None = None, limit: PageSize = 50
) -> ReviewQueuePage:
    after = _position(cursor) if cursor else None
    page = await handlers.review_queue(uow, after=after, limit=limit)
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
