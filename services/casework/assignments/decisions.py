"""Use cases of routing's events, in the consumer's transaction (a joined unit of work).

`clue.routed`: one assignment per (decision, body); a redelivered decision creates nothing. When
routing decides about the whole clue again (re-route, override, review), a body it chooses again
keeps its live assignment, carried over to the new decision (stage and role with it); a handoff
or split always gives its target a new assignment. `clue.linked`: shelved assignments of the
related clues wake up, and the new clue's assignments are flagged when it repeats a concluded
matter.
"""

from services.casework import domain
from services.casework.domain import TERMINAL, ActionContext, Actor, Assignment, Role
from services.casework.unit_of_work import CaseworkUnitOfWork
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.events.contracts import ClueLinked, ClueRouted, ClueStatusChanged, DecisionKind

# A handoff or split is new work for its target; any other decision is about the whole clue.
NEW_WORK = frozenset({DecisionKind.HANDOFF, DecisionKind.SPLIT})


async def assign_routed_clue(uow: CaseworkUnitOfWork, event: ClueRouted) -> list[Assignment]:
    """The assignments created or carried over for this decision."""
    await uow.lock_for_writing()
    decision = routing_decision(event)
    wanted = domain.assign(decision, now=event.routed_at, timekeeper=await uow.timekeeper())
    existing = await uow.assignments.for_clue(event.clue_id)
    done = {a.body_id for a in existing if a.decision_id == event.decision_id}
    changed = []
    for fresh in (a for a in wanted if a.body_id not in done):
        live = [a for a in existing if a.body_id == fresh.body_id and a.state not in TERMINAL]
        if live and event.kind not in NEW_WORK:
            live[0].redecide(
                decision_id=event.decision_id, stage=event.stage, role=fresh.role, at=utcnow()
            )
            await uow.assignments.save(live[0])
            changed.append(live[0])
        elif await uow.assignments.add(fresh):
            changed.append(fresh)
    uow.track(*changed)
    uow.emit(*(_assigned(a, event) for a in changed if a.role is Role.LEAD))
    await uow.commit()
    return changed


async def wake_related(uow: CaseworkUnitOfWork, event: ClueLinked) -> list[Assignment]:
    """The assignments this link changed."""
    await uow.lock_for_writing()
    now, timekeeper = utcnow(), await uow.timekeeper()
    related = [r.clue_id for r in event.related if r.clue_id != event.clue_id]
    changed = await uow.assignments.shelved_of_clues(related)
    for a in changed:
        ctx = ActionContext(Actor.system(a.body_id), now, timekeeper)
        a.reactivate(ctx, new_clue_id=event.clue_id)
    if event.repeat_of_concluded:
        for a in await uow.assignments.for_clue(event.clue_id):
            if not a.repeat_of_concluded and a.state not in TERMINAL:
                a.mark_repeat_of_concluded(related=related, at=now)
                changed.append(a)
    for a in changed:
        await uow.assignments.save(a)
    uow.track(*changed)
    await uow.commit()
    return changed


def routing_decision(event: ClueRouted) -> domain.RoutingDecision:
    facts = domain.ClueFacts(
        receipt_number=event.receipt_number,
        category=event.category.value,
        channel=event.channel.value,
        summary=event.summary,
        region=event.region,
        subjects=[s.model_dump(mode="json") for s in event.subjects],
        assigned_down=event.assigned_down,
        reporter_real_name=event.real_name_report,
        handoff_of=event.handoff_of,
        from_body_id=event.from_body_id,
        part=event.part,
    )
    return domain.RoutingDecision(
        clue_id=event.clue_id,
        decision_id=event.decision_id,
        lead_body_id=event.lead_body_id,
        co_body_ids=list(event.co_body_ids),
        facts=facts,
        stage=event.stage,
        lead_body_name=event.lead_body_name,
    )


def _assigned(lead: Assignment, event: ClueRouted) -> ClueStatusChanged:
    co_bodies = len({b for b in event.co_body_ids if b != lead.body_id})
    note = "assigned to the lead body"
    if co_bodies:
        note += f" with {co_bodies} co-bod{'y' if co_bodies == 1 else 'ies'}"
    return ClueStatusChanged(
        clue_id=lead.clue_id,
        status=ClueStatus.ASSIGNED,
        occurred_at=event.routed_at,
        body_id=lead.body_id,
        body_name=event.lead_body_name,
        note=note,
        # Under the decision it acts on, numbered by the assignment's own version.
        stage=event.stage,
        sequence=lead.version,
    )
