"""Transfers (移送) routing forwarded that the receiving body has not acknowledged. Pure.

Signed for at casework but not acknowledged at routing: the acknowledgement was lost, and
casework sends it again. Not signed for past its forwarding clock: overdue, for the office.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.routing.reconciliation.model import Discrepancy, Kind, Repair
from shared.events.topics import ASSIGNMENT_ACCEPTED
from shared.ledger.schemas import LedgerItem


@dataclass(frozen=True)
class OpenTransfer:
    handoff_id: UUID
    clue_id: UUID
    receipt_number: str
    region: str
    decision_id: UUID
    from_body_id: UUID
    to_body_id: UUID
    due_at: datetime


def check(
    transfer: OpenTransfer, casework: LedgerItem | None, *, now: datetime
) -> Discrepancy | None:
    rows = casework.detail.get("assignments", []) if casework else []
    target = next(
        (
            r
            for r in rows
            if r["decision_id"] == str(transfer.decision_id)
            and r["body_id"] == str(transfer.to_body_id)
        ),
        None,
    )
    facts = {
        "handoff_id": str(transfer.handoff_id),
        "decision_id": str(transfer.decision_id),
        "from_body_id": str(transfer.from_body_id),
        "due_at": transfer.due_at.isoformat(),
    }
    base: dict[str, Any] = {
        "clue_id": transfer.clue_id,
        "receipt_number": transfer.receipt_number,
        "region": transfer.region,
        "body_ids": (transfer.to_body_id,),
    }
    if target is not None and target.get("accepted_at"):
        return Discrepancy(
            Kind.HANDOFF_UNACKNOWLEDGED,
            "acknowledgement_lost",
            note="接收机关已签收移送线索，案管未收到签收回执",
            facts={**facts, "assignment_id": target["id"], "accepted_at": target["accepted_at"]},
            repair=Repair("casework", ASSIGNMENT_ACCEPTED, match={"assignment_id": target["id"]}),
            **base,
        )
    if transfer.due_at < now:
        return Discrepancy(
            Kind.HANDOFF_UNACKNOWLEDGED,
            "overdue",
            note="移送线索超过转交时限，接收机关仍未签收",
            facts={**facts, "assignment_id": target["id"] if target else None},
            **base,
        )
    return None
