"""Use cases of routing a clue: each enters the unit of work, decides through the aggregate,
tracks it and commits. Consumer handlers pass a joined unit of work, API routes their own."""

from datetime import datetime

from services.routing.decisions.commands import (
    AcknowledgeAssignment,
    RecordConclusion,
    RecordReturn,
    RequestHandoff,
    RouteReceivedClue,
)
from services.routing.decisions.domain import RoutedClue
from services.routing.decisions.model import Handoff, Transfer, TransferStatus
from services.routing.errors import UnknownClue
from services.routing.links.domain import keys_of, link
from services.routing.registry import RegistrySnapshot
from services.routing.rules import context_from_event, evaluate
from services.routing.rules.in_force import InForce, RoutingState, RulesInForce
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.events.contracts import DecisionKind
from shared.workdays import Deadline


async def in_force(uow: RoutingUnitOfWork, rules: RulesInForce, state: RoutingState) -> InForce:
    return await rules.get(state, texts=uow.rule_sets, registry=uow.registry)


async def route_received_clue(
    uow: RoutingUnitOfWork, command: RouteReceivedClue, *, rules: RulesInForce, now: datetime
) -> RoutedClue | None:
    """The first decision about a clue; None when the clue is already recorded."""
    facts = command.clue
    async with uow:
        state, known = await uow.clues.state_for_new(facts.clue_id)
        if known:
            return None  # the inbox stops a redelivery; this stops a second event about it
        found = await in_force(uow, rules, state)
        clue = RoutedClue(facts=facts)
        result = evaluate(found.rules, context_from_event(facts), found.registry)
        clue.decide(result, kind=DecisionKind.INITIAL, at=now)
        if not await uow.clues.add(clue, now=now):
            return None
        keys = keys_of(facts.subjects)
        linked = link(facts.clue_id, await uow.links.matches(keys, besides=facts.clue_id), at=now)
        await uow.links.add_keys(facts.clue_id, keys)
        if linked is not None:
            clue.link(linked)
        uow.track(clue)
        await uow.commit()
        return clue


async def reroute_returned_clue(
    uow: RoutingUnitOfWork, command: RecordReturn, *, rules: RulesInForce, now: datetime
) -> RoutedClue:
    """退回: recorded, the body excluded for good, and the clue routed anew when its lead
    returned it; to review when no other body fits, never silently back to the same one."""
    async with uow:
        clue, state = await _for_change(uow, command)
        if not await uow.clues.add_return(command, now=now):
            return clue
        if clue.record_return(
            body_id=command.body_id, lead=command.lead, decision_id=command.decision_id
        ):
            found = await in_force(uow, rules, state)
            body = found.registry.body(command.body_id)
            who = body.name if body else "原承办机关"
            preface = f"{who}退回本线索（{command.reason}），不再交其办理；重新分办："
            context = context_from_event(clue.facts, excluded_body_ids=clue.excluded)
            result = evaluate(found.rules, context, found.registry)
            decision = clue.decide(result, kind=DecisionKind.REROUTE, at=now, preface=preface)
            await uow.clues.mark_rerouted(command.assignment_id, decision_id=decision.id)
        await uow.clues.save(clue, now=now)
        uow.track(clue)
        await uow.commit()
        return clue


async def hand_off(
    uow: RoutingUnitOfWork,
    command: RequestHandoff,
    *,
    rules: RulesInForce,
    forwarding_days: int,
    now: datetime,
) -> Transfer | None:
    """移送: the target checked, the transfer recorded with its forwarding clock, the clue
    routed to the target; or, when the target cannot take it, to review with the reason."""
    handoff = command.handoff
    async with uow:
        clue, state = await _for_change(uow, command)
        if await uow.transfers.get(handoff.handoff_id) is not None:
            return None
        found = await in_force(uow, rules, state)
        calendar = await uow.calendar.working_calendar()
        due = calendar.add_working_days(handoff.requested_at, forwarding_days)
        transfer = _transfer(clue, handoff, found.registry, due=due, now=now)
        await uow.transfers.add(transfer)
        await uow.clues.save(clue, now=now)
        uow.track(clue)
        await uow.commit()
        return transfer


def _transfer(
    clue: RoutedClue, handoff: Handoff, registry: RegistrySnapshot, *, due: Deadline, now: datetime
) -> Transfer:
    target = registry.body(handoff.target_body_id)
    why = clue.refusal_of(handoff, target)
    if why is not None or target is None:
        clue.refuse_transfer(handoff, why=why or "", at=now)
        return Transfer(handoff, clue.clue_id, TransferStatus.REFUSED, due, now, refusal=why)
    sender = registry.body(handoff.from_body_id)
    decision = clue.transfer(handoff, target=target, sender=sender, at=now)
    return Transfer(
        handoff, clue.clue_id, TransferStatus.FORWARDED, due, now,
        decision_id=decision.id, to_body_id=target.id,
    )  # fmt: skip


async def acknowledge_transfer(uow: RoutingUnitOfWork, command: AcknowledgeAssignment) -> bool:
    """True when the accepted assignment is the one a transfer created (most are not)."""
    async with uow:
        done = await uow.transfers.acknowledge(
            decision_id=command.decision_id,
            body_id=command.body_id,
            assignment_id=command.assignment_id,
            at=command.accepted_at,
        )
        await uow.commit()
        return done


async def record_conclusion(uow: RoutingUnitOfWork, command: RecordConclusion) -> None:
    """A co-body's conclusion is its own; the matter is concluded when the lead concludes."""
    if not command.lead:
        return
    async with uow:
        await uow.clues.conclude(command.clue_id, at=command.concluded_at)
        await uow.commit()


async def seed_calendar(uow: RoutingUnitOfWork, *, now: datetime) -> list[int]:
    """The shipped years this database lacks; a year already loaded is never replaced."""
    async with uow:
        added = await uow.calendar.seed_shipped(now=now)
        await uow.commit()
        return added


async def _for_change(
    uow: RoutingUnitOfWork, command: RecordReturn | RequestHandoff
) -> tuple[RoutedClue, RoutingState]:
    loaded = await uow.clues.for_change(command.clue_id)
    if loaded is None:
        raise UnknownClue(f"no clue {command.clue_id}")
    return loaded
