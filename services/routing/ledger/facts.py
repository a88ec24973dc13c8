"""What routing's ledger says about a clue, for the reconciler to compare.

`received` (against intake): the receipt and the stage of the last status routing reported to
the sender (a refused handoff reports nothing: the stage before it).
`routed` (against casework): the latest decision that has a lead body, as
`decision|lead body|co bodies sorted`; none while no decision ever had a lead.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, Text, and_, case, cast, literal_column, select

from services.routing.orm import clues, routing_decisions

VIEWS: tuple[str, ...] = ("received", "routed")
c = clues.c
d = routing_decisions.c


def reported_stage(stage: int, pending_handoff_id: object) -> int:
    return stage - 1 if pending_handoff_id is not None else stage


def facts_of(rows: Sequence[Row[Any]]) -> dict[str, str | None]:
    first = rows[0]
    received = f"{first.receipt_number}|{reported_stage(first.stage, first.pending_handoff_id)}"
    delivered = [r for r in rows if r.decision_id is not None]
    routed = None
    if delivered:
        last = max(delivered, key=lambda r: r.decision_stage)
        co = ",".join(sorted(str(b) for b in last.co_body_ids or ()))
        routed = f"{last.decision_id}|{last.decision_lead}|{co}"
    return {"received": received, "routed": routed}


def raw() -> Select[Any]:
    """A row per decision with a lead (one with none when there is no such decision)."""
    delivered = and_(d.clue_id == c.clue_id, d.lead_body_id.is_not(None))
    return (
        select(
            c.clue_id,
            c.receipt_number,
            c.status,
            c.stage,
            c.pending_handoff_id,
            c.lead_body_id,
            c.co_body_ids.label("current_co_body_ids"),
            c.current_decision_id,
            c.region,
            c.received_at,
            c.updated_at,
            d.id.label("decision_id"),
            d.stage.label("decision_stage"),
            d.kind.label("decision_kind"),
            d.lead_body_id.label("decision_lead"),
            d.co_body_ids,
            d.decided_at,
        )
        .select_from(clues.outerjoin(routing_decisions, delivered))
        .order_by(c.clue_id, d.stage)
    )


def in_sql() -> Select[Any]:
    """PostgreSQL: a clue led now is led by its current decision, so only the few without a
    lead at present look for their latest decision that had one."""
    led = routing_decisions.alias("led")
    latest_led = (
        select(led.c.id)
        .where(led.c.clue_id == c.clue_id, led.c.lead_body_id.is_not(None))
        .order_by(led.c.stage.desc())
        .limit(1)
        .correlate(clues)
        .scalar_subquery()
    )
    chosen = case((c.lead_body_id.is_not(None), c.current_decision_id), else_=latest_led)
    co: Any = literal_column(
        "coalesce((SELECT string_agg(x, ',' ORDER BY x COLLATE \"C\") "
        "FROM json_array_elements_text(routing_decisions.co_body_ids) AS x), '')"
    )
    stage = case((c.pending_handoff_id.is_not(None), c.stage - 1), else_=c.stage)
    routed = cast(d.id, Text) + "|" + cast(d.lead_body_id, Text) + "|" + co
    return select(
        c.clue_id,
        (c.receipt_number + "|" + cast(stage, Text)).label("received"),
        case((d.id.is_not(None), routed), else_=None).label("routed"),
    ).select_from(clues.outerjoin(routing_decisions, d.id == chosen))
