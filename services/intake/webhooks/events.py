"""What a status change puts in front of each of the agency's webhooks."""

from typing import Any
from uuid import uuid4

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.domain import ReferralStatus, StatusReport
from shared.clock import utcnow

EVENT_TYPE = "referral.status_changed"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def status_payload(
    referral: Row[Any], report: StatusReport, state: ReferralStatus
) -> dict[str, Any]:
    """Only what the agency already reads on GET /v1/referrals/{id}: never the reporter."""
    return {
        "type": EVENT_TYPE,
        "referral_id": str(referral.id),
        "receipt_number": referral.receipt_number,
        "status": str(report.status),
        "occurred_at": report.occurred_at.isoformat(),
        "body_name": report.body_name,
        # Reports arrive out of order; this is where the referral stands after this one.
        "current_status": str(state.status),
        "outcome": str(state.outcome) if state.outcome else None,
        "outcome_summary": state.outcome_summary,
    }


async def enqueue_status_change(
    session: AsyncSession, referral: Row[Any], report: StatusReport, state: ReferralStatus
) -> int:
    """One pending delivery per active webhook, in the caller's transaction: the status change
    and its deliveries are committed together or not at all."""
    w = orm.webhooks
    webhook_ids = (
        await session.execute(
            select(w.c.id).where(w.c.agency_id == referral.agency_id, w.c.active.is_(True))
        )
    ).scalars()
    now = utcnow()
    payload = status_payload(referral, report, state)
    rows = [
        {
            "id": uuid4(),
            "webhook_id": webhook_id,
            "referral_id": referral.id,
            "payload": payload,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for webhook_id in webhook_ids
    ]
    if rows:
        await session.execute(insert(orm.webhook_deliveries), rows)
    return len(rows)
