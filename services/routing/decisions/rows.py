"""Rows of the ledger tables to domain objects and back (the repositories' one translation)."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row

from services.routing.decisions.domain import RoutedClue
from services.routing.decisions.model import Decision, RoutingStatus
from services.routing.orm import routing_decisions
from services.routing.rules import Effect, Outcome, RuleHit
from shared.events.contracts import ClueReceived, DecisionKind

DECISION_PREFIX = "d_"
# The current decision's columns, prefixed, beside a clue's own in one row.
DECISION_COLUMNS = [c.label(DECISION_PREFIX + c.name) for c in routing_decisions.c]


def _ids(values: Any) -> tuple[UUID, ...]:
    return tuple(UUID(str(v)) for v in values or ())


def _positions(values: Any) -> tuple[int, ...] | None:
    return None if values is None else tuple(int(v) for v in values)


def decision_values(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.id,
        "clue_id": decision.clue_id,
        "stage": decision.stage,
        "kind": decision.kind.value,
        "outcome": decision.outcome.value,
        "lead_body_id": decision.lead_body_id,
        "co_body_ids": [str(b) for b in decision.co_body_ids],
        "rules": [
            {"rule": h.rule, "group": h.group, "effect": h.effect.value, "note": h.note}
            for h in decision.hits
        ],
        "rule_set_version": decision.rule_set_version,
        "reason": decision.reason,
        "sender_reason": decision.sender_reason,
        "decided_at": decision.decided_at,
        "decided_by": decision.decided_by,
        "kept": None if decision.kept is None else list(decision.kept),
        "part": decision.part,
        "handoff_of": decision.handoff_of,
        "from_body_id": decision.from_body_id,
    }


def decision_from(values: Any, *, lead_body_name: str | None = None) -> Decision:
    hits = tuple(
        RuleHit(h["rule"], h.get("group", ""), Effect(h["effect"]), h.get("note"))
        for h in values["rules"]
        if isinstance(h, dict)
    )
    return Decision(
        id=values["id"],
        clue_id=values["clue_id"],
        stage=values["stage"],
        kind=DecisionKind(values["kind"]),
        outcome=Outcome(values["outcome"]),
        lead_body_id=values["lead_body_id"],
        co_body_ids=_ids(values["co_body_ids"]),
        hits=hits,
        rule_set_version=values["rule_set_version"],
        reason=values["reason"],
        sender_reason=values["sender_reason"],
        decided_at=values["decided_at"],
        decided_by=values["decided_by"],
        kept=_positions(values["kept"]),
        part=values["part"],
        handoff_of=values["handoff_of"],
        from_body_id=values["from_body_id"],
        lead_body_name=lead_body_name,
    )


def clue_values(clue: RoutedClue, *, now: Any) -> dict[str, Any]:
    assert clue.status is not None, "a clue is stored once it has a decision"
    return {
        "status": clue.status.value,
        "stage": clue.stage,
        "status_sequence": clue.status_sequence,
        "current_decision_id": clue.current.id if clue.current else None,
        "lead_body_id": clue.lead_body_id,
        "co_body_ids": [str(b) for b in clue.co_body_ids],
        "kept": None
        if clue.current is None or clue.current.kept is None
        else list(clue.current.kept),
        "excluded_body_ids": sorted(str(b) for b in clue.excluded),
        "queued_at": clue.queued_at,
        "pending_handoff_id": clue.pending_handoff_id,
        "concluded_at": clue.concluded_at,
        "updated_at": now,
    }


def new_clue_values(clue: RoutedClue, *, now: Any) -> dict[str, Any]:
    facts = clue.facts
    return clue_values(clue, now=now) | {
        "clue_id": facts.clue_id,
        "receipt_number": facts.receipt_number,
        "received_at": facts.received_at,
        "agency_id": facts.agency_id,
        "agency_name": facts.agency_name,
        "region": facts.region,
        "category": facts.category.value,
        "channel": facts.channel.value,
        "facts": facts.model_dump(mode="json"),
    }


def clue_from(row: Row[Any]) -> RoutedClue:
    values = row._mapping
    current = None
    if values.get(DECISION_PREFIX + "id") is not None:
        prefixed = {
            k[len(DECISION_PREFIX) :]: v for k, v in values.items() if k.startswith(DECISION_PREFIX)
        }
        current = decision_from(prefixed, lead_body_name=prefixed.get("lead_body_name"))
    return RoutedClue(
        facts=ClueReceived.model_validate(values["facts"]),
        status=RoutingStatus(values["status"]),
        stage=values["stage"],
        status_sequence=values["status_sequence"],
        current=current,
        lead_body_id=values["lead_body_id"],
        co_body_ids=_ids(values["co_body_ids"]),
        excluded=frozenset(_ids(values["excluded_body_ids"])),
        queued_at=values["queued_at"],
        pending_handoff_id=values["pending_handoff_id"],
        concluded_at=values["concluded_at"],
    )
