"""Use cases of case-management officers: read a clue's record and history, page the review
queue, and route a clue by hand or override its decision (a reason always, an audit entry)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.routing.audit import AuditEntry
from services.routing.decisions.commands import DecideByHand
from services.routing.decisions.domain import RoutedClue
from services.routing.decisions.handlers import in_force
from services.routing.decisions.model import Decision, Transfer
from services.routing.decisions.office import OfficeScope, scope_of
from services.routing.decisions.queries import GetClue, Page, QueueSort, ReviewQueue
from services.routing.errors import PlacementRefused, UnknownClue
from services.routing.registry import Body, RegistrySnapshot
from services.routing.rules.in_force import RulesInForce
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.events.contracts import DecisionKind


@dataclass(frozen=True)
class ClueRecord:
    clue: RoutedClue
    transfers: list[Transfer]


async def scope_for(uow: RoutingUnitOfWork, body_id: UUID, *, officer: str) -> OfficeScope:
    async with uow:
        bodies = await uow.registry.list_bodies(include_inactive=True)
    return scope_of(body_id, bodies, officer=officer)


async def clue_record(uow: RoutingUnitOfWork, query: GetClue) -> ClueRecord:
    """Another commission's clue reads as absent, like one that does not exist."""
    async with uow:
        clue = await _covered(uow, query.clue_id, query.scope)
        return ClueRecord(clue, await uow.transfers.of_clue(clue.clue_id))


async def decision_history(uow: RoutingUnitOfWork, query: GetClue) -> list[Decision]:
    async with uow:
        await _covered(uow, query.clue_id, query.scope)
        return await uow.clues.history(query.clue_id)


async def review_queue(uow: RoutingUnitOfWork, query: ReviewQueue) -> Page[RoutedClue]:
    async with uow:
        fetched = await uow.clues.review_queue(query)
    return Page.of(fetched, query.limit, lambda c: _position(c, query.sort))


async def decide_by_hand(
    uow: RoutingUnitOfWork, command: DecideByHand, *, rules: RulesInForce, now: datetime
) -> Decision:
    async with uow:
        loaded = await uow.clues.for_change(command.clue_id)
        if loaded is None or not command.scope.covers(loaded[0]):
            command.scope.refused(command.clue_id)
            raise UnknownClue(f"no clue {command.clue_id}")
        clue, state = loaded
        registry = (await in_force(uow, rules, state)).registry
        lead, co_bodies = _placement(registry, command)
        pending = None
        if clue.pending_handoff_id is not None:
            pending = await uow.transfers.get(clue.pending_handoff_id)
        before = (clue.status, clue.lead_body_id, clue.co_body_ids)
        decision = clue.place(
            lead=lead, co_bodies=co_bodies, reason=command.reason, by=command.actor, at=now,
            pending=pending.handoff if pending else None,
        )  # fmt: skip
        if pending is not None:
            await uow.transfers.forward(
                pending.handoff.handoff_id, decision_id=decision.id, to_body_id=lead.id
            )
        await uow.clues.save(clue, now=now)
        await uow.audit.append(_audited(command, decision, before, now))
        uow.track(clue)
        await uow.commit()
        return decision


async def _covered(uow: RoutingUnitOfWork, clue_id: UUID, scope: OfficeScope) -> RoutedClue:
    clue = await uow.clues.get(clue_id)
    if clue is None or not scope.covers(clue):
        scope.refused(clue_id)
        raise UnknownClue(f"no clue {clue_id}")
    return clue


def _placement(registry: RegistrySnapshot, command: DecideByHand) -> tuple[Body, tuple[Body, ...]]:
    """The lead must be the officer's commission or a body under it; co-bodies any active body."""
    lead = registry.body(command.lead_body_id)
    if lead is None or not lead.active or lead.id not in command.scope.body_ids:
        raise PlacementRefused(
            f"body {command.lead_body_id} is not an active body of your commission's tree"
        )
    co_bodies: list[Body] = []
    for body_id in dict.fromkeys(command.co_body_ids):
        body = registry.body(body_id)
        if body is None or not body.active or body.id == lead.id:
            raise PlacementRefused(f"co-body {body_id} is unknown, inactive or the lead")
        co_bodies.append(body)
    return lead, tuple(co_bodies)


def _audited(
    command: DecideByHand,
    decision: Decision,
    before: tuple[object, UUID | None, tuple[UUID, ...]],
    now: datetime,
) -> AuditEntry:
    status, lead, co_bodies = before
    action = "decision.review" if decision.kind is DecisionKind.REVIEW else "decision.override"
    detail = {
        "decision_id": str(decision.id),
        "stage": decision.stage,
        "reason": command.reason,
        "lead_body_id": str(decision.lead_body_id),
        "co_body_ids": [str(b) for b in decision.co_body_ids],
        "before": {
            "status": str(status),
            "lead_body_id": str(lead) if lead else None,
            "co_body_ids": [str(b) for b in co_bodies],
        },
    }
    return AuditEntry(now, command.actor, action, "clue", str(command.clue_id), detail)


def _position(clue: RoutedClue, sort: QueueSort) -> tuple[datetime, UUID]:
    at = clue.queued_at if sort is QueueSort.QUEUED else clue.facts.received_at
    assert at is not None, "a clue in the queue has the time it was queued"
    return at, clue.clue_id
