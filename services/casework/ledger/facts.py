"""What casework's ledger says about a clue, for the reconciler to compare.

Only the assignments of the newest routing stage casework has for the clue count (older stages
were superseded, or keep a part after a split).
`routed` (against routing's latest decision with a lead): `decision|lead body|co bodies sorted`;
anything else at that stage (two decisions, no lead or two) reads `!<count>`, never equal.
`status` (against intake): the lead's stage, the status its state reports to the sender, and
the outcome once concluded; nothing while the lead has returned or handed off the clue.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, String, Text, case, cast, func, literal, literal_column, select

from services.casework.domain import AssignmentState
from services.casework.orm import assignments
from shared.codes import ClueStatus

VIEWS: tuple[str, ...] = ("routed", "status")
S = AssignmentState
IN_DISPOSITION = (S.INQUIRY, S.PRELIMINARY_VERIFICATION, S.SHELVED, S.CASE_FILED, S.UNDER_REVIEW)
CONCLUDED = (S.CONCLUDED, S.RECTIFICATION, S.CLOSED, S.CLARIFIED_CLOSED, S.CLOSED_NO_ACTION)
a = assignments.c


def reported_status(state: str, disposition: str | None) -> ClueStatus | None:
    """The status a lead in `state` has reported to the sender (a shelved clue woken up is
    `accepted` again, but the sender was told it is being disposed of, and nothing since)."""
    if state == S.ASSIGNED:
        return ClueStatus.ASSIGNED
    if state == S.ACCEPTED:
        return ClueStatus.IN_DISPOSITION if disposition else ClueStatus.ACCEPTED
    if state in IN_DISPOSITION:
        return ClueStatus.IN_DISPOSITION
    if state in CONCLUDED:
        return ClueStatus.CONCLUDED
    return None


def facts_of(rows: Sequence[Row[Any]]) -> dict[str, str | None]:
    top = max(r.stage for r in rows)
    latest = [r for r in rows if r.stage == top]
    leads = [r for r in latest if r.role == "lead"]
    decisions = {r.decision_id for r in latest}
    if len(decisions) == 1 and len(leads) == 1:
        co = ",".join(sorted(str(r.body_id) for r in latest if r.role == "co"))
        routed = f"{leads[0].decision_id}|{leads[0].body_id}|{co}"
    else:
        routed = f"!{len(latest)}"
    status = None
    if len(leads) == 1 and (reported := reported_status(leads[0].state, leads[0].disposition)):
        outcome = (leads[0].outcome or "") if reported is ClueStatus.CONCLUDED else ""
        status = f"{top}|{reported}|{outcome}"
    return {"routed": routed, "status": status}


def raw() -> Select[Any]:
    return select(
        a.clue_id,
        a.id,
        a.receipt_number,
        a.decision_id,
        a.body_id,
        a.role,
        a.state,
        a.stage,
        a.disposition,
        a.outcome,
        a.assigned_at,
    ).order_by(a.clue_id, a.stage, a.id)


def staged() -> Select[Any]:
    """The rows `in_sql` aggregates (restricted to the window by the repository)."""
    return select(
        a.clue_id,
        cast(a.decision_id, Text).label("decision"),
        cast(a.body_id, Text).label("body"),
        a.role,
        a.stage,
        _status_text().label("reported"),
    )


def in_sql(rows: Select[Any]) -> Select[Any]:
    """PostgreSQL: `rows` is `staged()` restricted to the window; one row per clue. The newest
    stage per clue is a hashed aggregate joined back (a window over the clue id would read the
    table in index order, one random page at a time)."""
    s = rows.cte("staged")
    newest = select(s.c.clue_id, func.max(s.c.stage).label("top")).group_by(s.c.clue_id)
    top = newest.subquery("newest")
    latest = (
        select(s)
        .join(top, (top.c.clue_id == s.c.clue_id) & (s.c.stage == top.c.top))
        .subquery("latest")
    )
    leads: Any = literal_column("count(*) FILTER (WHERE role = 'lead')")
    one_decision = literal_column("min(decision)") == literal_column("max(decision)")
    co: Any = literal_column(
        "coalesce(string_agg(body, ',' ORDER BY body COLLATE \"C\") FILTER (WHERE role = 'co'), '')"
    )
    decision: Any = literal_column("min(decision)")
    lead: Any = literal_column("min(body) FILTER (WHERE role = 'lead')")
    count: Any = literal_column("count(*)")
    routed = case(
        (one_decision & (leads == 1), decision + "|" + lead + "|" + co),
        else_=literal("!") + cast(count, String),
    )
    reported: Any = literal_column("max(reported) FILTER (WHERE role = 'lead')")
    status = case((leads == 1, reported), else_=None)
    return select(latest.c.clue_id, routed.label("routed"), status.label("status")).group_by(
        latest.c.clue_id
    )


def _status_text() -> Any:
    stage = cast(a.stage, Text)
    concluded = stage + "|concluded|" + func.coalesce(a.outcome, "")
    return case(
        (a.state == S.ASSIGNED.value, stage + "|assigned|"),
        ((a.state == S.ACCEPTED.value) & a.disposition.is_(None), stage + "|accepted|"),
        (a.state == S.ACCEPTED.value, stage + "|in_disposition|"),
        (a.state.in_([s.value for s in IN_DISPOSITION]), stage + "|in_disposition|"),
        (a.state.in_([s.value for s in CONCLUDED]), concluded),
        else_=None,
    )
