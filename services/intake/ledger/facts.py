"""What intake's ledger says about a referral, for the reconciler to compare.

`received` (against routing): the receipt and the routing stage of the status the sender sees.
`status` (against casework): that stage, the status and the outcome, when the status is one a
body reports (assigned, accepted, in disposition, concluded).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, Text, case, cast, func, literal, select

from services.intake.orm import referrals
from shared.codes import ClueStatus

VIEWS: tuple[str, ...] = ("received", "status")
REPORTED_BY_BODIES = (
    ClueStatus.ASSIGNED,
    ClueStatus.ACCEPTED,
    ClueStatus.IN_DISPOSITION,
    ClueStatus.CONCLUDED,
)
r = referrals.c


def facts_of(rows: Sequence[Row[Any]]) -> dict[str, str | None]:
    row = rows[0]
    status = None
    if row.status in REPORTED_BY_BODIES:
        outcome = (row.outcome or "") if row.status == ClueStatus.CONCLUDED else ""
        status = f"{row.status_stage}|{row.status}|{outcome}"
    return {"received": f"{row.receipt_number}|{row.status_stage}", "status": status}


def raw() -> Select[Any]:
    return select(
        r.id.label("clue_id"),
        r.receipt_number,
        r.status,
        r.status_stage,
        r.outcome,
        r.body_id,
        r.received_at,
        r.status_at,
    ).order_by(r.id)


def in_sql() -> Select[Any]:
    stage = cast(r.status_stage, Text)
    outcome = case(
        (r.status == ClueStatus.CONCLUDED.value, func.coalesce(r.outcome, "")), else_=literal("")
    )
    status = case(
        (
            r.status.in_([s.value for s in REPORTED_BY_BODIES]),
            stage + "|" + r.status + "|" + outcome,
        ),
        else_=None,
    )
    return select(
        r.id.label("clue_id"),
        (r.receipt_number + "|" + stage).label("received"),
        status.label("status"),
    )
