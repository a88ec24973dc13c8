"""One function per consumed event or request: load through the repository, decide, record."""

from collections.abc import Sequence
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing import domain
from services.routing.domain import Body, Decision, RoutingDecision, UnknownBody, UnknownDecision
from services.routing.orm import outbox
from services.routing.repository import QueuePosition, Repository
from services.routing.scope import Scope, scope_of
from services.routing.unit_of_work import SOURCE, RoutingUnitOfWork
from shared.clock import utcnow
from shared.codes import BodyKind, ClueStatus, Level
from shared.consumer import EventRefused
from shared.events import Event
from shared.events.contracts import ClueReceived, ClueRouted, ClueStatusChanged
from shared.outbox import stage

# The first decision about a clue; re-routes and handoffs will count on from here.
FIRST_STAGE = 1


async def route_received_clue(session: AsyncSession, event: Event) -> None:
    """Runs inside the consumer's transaction, after the inbox has claimed the event id."""
    if not isinstance(event, ClueReceived):
        raise EventRefused(f"expected ClueReceived, got {type(event).__name__}")
    repo = Repository(session)
    seats = domain.seats_to_look_up(event.region, event.subjects)
    decision = domain.decide(event.region, event.subjects, await repo.commissions_at(seats))
    record = _record(event, decision)
    # The inbox stops a redelivered event id; this stops a second event about the same clue.
    if await repo.add_decision(record):
        await stage(session, outbox, _announce(record, decision, event), source=SOURCE)


def _record(clue: ClueReceived, decision: Decision) -> RoutingDecision:
    return RoutingDecision(
        id=uuid4(),
        clue_id=clue.clue_id,
        receipt_number=clue.receipt_number,
        status=decision.status,
        lead_body_id=decision.lead.id if decision.lead else None,
        co_body_ids=tuple(b.id for b in decision.co_bodies),
        rule=decision.rule,
        reason=decision.reason,
        decided_at=utcnow(),
        category=clue.category,
        channel=clue.channel,
        summary=clue.summary,
        region=clue.region,
        agency_id=clue.agency_id,
        agency_name=clue.agency_name,
        subjects=tuple(s.model_dump(mode="json") for s in clue.subjects),
    )


def _announce(record: RoutingDecision, decision: Decision, clue: ClueReceived) -> list[Event]:
    if decision.lead is None:
        pending = ClueStatusChanged(
            clue_id=record.clue_id,
            status=ClueStatus.PENDING_REVIEW,
            occurred_at=record.decided_at,
            note=record.reason,
            stage=FIRST_STAGE,
            sequence=1,
        )
        return [pending]
    routed = ClueRouted(
        clue_id=record.clue_id,
        decision_id=record.id,
        lead_body_id=decision.lead.id,
        lead_body_name=decision.lead.name,
        co_body_ids=list(record.co_body_ids),
        rule=record.rule,
        reason=record.reason,
        routed_at=record.decided_at,
        receipt_number=clue.receipt_number,
        category=clue.category,
        channel=clue.channel,
        summary=clue.summary,
        region=clue.region,
        subjects=clue.subjects,
        stage=FIRST_STAGE,
    )
    status = ClueStatusChanged(
        clue_id=record.clue_id,
        status=ClueStatus.ROUTED,
        occurred_at=record.decided_at,
        body_id=decision.lead.id,
        body_name=decision.lead.name,
        stage=FIRST_STAGE,
        sequence=1,
    )
    return [routed, status]


async def seed_bodies(uow: RoutingUnitOfWork, items: Sequence[Body]) -> None:
    async with uow:
        await uow.repo.upsert_bodies(items)
        await uow.commit()


async def list_bodies(
    uow: RoutingUnitOfWork,
    *,
    kind: BodyKind | None = None,
    level: Level | None = None,
    region: str | None = None,
) -> list[Body]:
    async with uow:
        return await uow.repo.list_bodies(kind=kind, level=level, region=region)


async def get_body(uow: RoutingUnitOfWork, body_id: UUID) -> Body:
    async with uow:
        body = await uow.repo.get_body(body_id)
    if body is None:
        raise UnknownBody(f"no body {body_id}")
    return body


async def scope_for(uow: RoutingUnitOfWork, body_id: UUID) -> Scope:
    async with uow:
        return scope_of(body_id, await uow.repo.list_bodies(include_inactive=True))


async def get_decision(uow: RoutingUnitOfWork, clue_id: UUID, *, scope: Scope) -> RoutingDecision:
    """Another commission's decision reads as absent, like one that does not exist."""
    async with uow:
        decision = await uow.repo.decision_for(clue_id)
    if decision is None or not scope.covers(decision):
        raise UnknownDecision(f"no routing decision for clue {clue_id}")
    return decision


async def review_queue(
    uow: RoutingUnitOfWork, *, scope: Scope, after: QueuePosition | None, limit: int
) -> list[RoutingDecision]:
    async with uow:
        return await uow.repo.pending_review(
            region_prefixes=scope.region_prefixes, after=after, limit=limit
        )
