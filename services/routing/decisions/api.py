"""Case-management routes: a clue's record and history, the review queue, a hand decision.

Every route is scoped to the officer's commission and the bodies under it; a clue of another
commission reads as absent (404).
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from services.routing.audit import staff_actor
from services.routing.decisions import review
from services.routing.decisions.commands import DecideByHand
from services.routing.decisions.queries import GetClue, QueueSort, ReviewQueue
from services.routing.decisions.schemas import (
    ClueOut,
    DecideIn,
    DecisionHistory,
    DecisionOut,
    ReviewQueuePage,
)
from services.routing.deps import CaseManager, OfficeScopeDep, ServicesDep, UowDep
from services.routing.errors import BadCursor
from shared.clock import utcnow
from shared.codes import Category, Channel
from shared.events.contracts import DecisionKind
from shared.pagination import InvalidCursor, decode_cursor, encode_cursor

router = APIRouter(prefix="/v1", tags=["case management"])
PageSize = Annotated[int, Query(ge=1, le=200)]
RegionPrefix = Annotated[
    str | None, Query(pattern=r"^\d{1,6}$", description="division code prefix")
]


@router.get("/clues/{clue_id}", summary="A clue's record: status, current decision, transfers")
async def get_clue(clue_id: UUID, scope: OfficeScopeDep, uow: UowDep) -> ClueOut:
    record = await review.clue_record(uow, GetClue(clue_id=clue_id, scope=scope))
    return ClueOut.of(record.clue, record.transfers)


@router.get("/clues/{clue_id}/decisions", summary="Every decision about a clue, in order")
async def get_decisions(clue_id: UUID, scope: OfficeScopeDep, uow: UowDep) -> DecisionHistory:
    found = await review.decision_history(uow, GetClue(clue_id=clue_id, scope=scope))
    return DecisionHistory(clue_id=clue_id, items=[DecisionOut.of(d) for d in found])


@router.post(
    "/clues/{clue_id}/decisions",
    status_code=201,
    summary="Route a clue from the review queue, or override its decision (reason required)",
    responses={409: {"description": "decided meanwhile by someone else: read it again"}},
)
async def decide(
    clue_id: UUID,
    body: DecideIn,
    manager: CaseManager,
    scope: OfficeScopeDep,
    uow: UowDep,
    services: ServicesDep,
) -> DecisionOut:
    command = DecideByHand(
        clue_id=clue_id,
        lead_body_id=body.lead_body_id,
        co_body_ids=tuple(body.co_body_ids),
        reason=body.reason,
        actor=staff_actor(manager.user_id, manager.body_id),
        scope=scope,
    )
    decision = await review.decide_by_hand(uow, command, rules=services.rules, now=utcnow())
    return DecisionOut.of(decision)


@router.get("/review-queue", summary="Clues of the officer's territory that wait for review")
async def review_queue(
    scope: OfficeScopeDep,
    uow: UowDep,
    cursor: str | None = None,
    limit: PageSize = 50,
    sort: QueueSort = QueueSort.QUEUED,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    category: Category | None = None,
    channel: Channel | None = None,
    region: RegionPrefix = None,
    kind: DecisionKind | None = None,
) -> ReviewQueuePage:
    query = ReviewQueue(
        region_prefixes=scope.region_prefixes, limit=limit, after=_position(cursor), sort=sort,
        descending=order == "desc", category=category, channel=channel, region=region, kind=kind,
    )  # fmt: skip
    page = await review.review_queue(uow, query)
    next_cursor = encode_cursor(*page.next_after) if page.next_after else None
    return ReviewQueuePage(items=[ClueOut.of(c) for c in page.items], next_cursor=next_cursor)


def _position(cursor: str | None) -> tuple[datetime, UUID] | None:
    if cursor is None:
        return None
    try:
        return decode_cursor(cursor)
    except InvalidCursor:
        raise BadCursor("cursor is not one this API gave out") from None
