"""What intake's worker consumes: status reports and conclusions about the clues it received.

Each handler wraps the consumer loop's session (the loop owns the transaction and the inbox
claim) in a joined unit of work and calls the same kind of use case an API route calls.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.errors import UnknownReferral
from services.intake.referrals import handlers
from services.intake.referrals.status import Conclusion, StatusReport
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.consumer import Subscription, expecting
from shared.events.contracts import CaseConcluded, ClueStatusChanged, Role
from shared.events.topics import CASE_CONCLUDED, CLUE_STATUS


async def on_clue_status(session: AsyncSession, event: ClueStatusChanged) -> None:
    uow = IntakeUnitOfWork.within(session)
    await handlers.record_status(uow, _report(event), referral_id=event.clue_id)


async def on_case_concluded(session: AsyncSession, event: CaseConcluded) -> None:
    uow = IntakeUnitOfWork.within(session)
    await handlers.record_conclusion(uow, _conclusion(event), referral_id=event.clue_id)


def _report(event: ClueStatusChanged) -> StatusReport:
    return StatusReport(
        status=event.status,
        occurred_at=event.occurred_at,
        body_id=event.body_id,
        body_name=event.body_name,
        note=event.note,
        outcome=event.outcome,
        outcome_summary=event.outcome_summary,
        stage=event.stage,
        sequence=event.sequence,
    )


def _conclusion(event: CaseConcluded) -> Conclusion:
    return Conclusion(
        body_id=event.body_id,
        lead=event.role is Role.LEAD,
        stage=event.stage,
        outcome=event.outcome,
        release_summary=event.release_summary,
        concluded_at=event.concluded_at,
    )


# The referral row commits with its clue.received event: no valid report precedes it, so a
# report about an unknown referral is poison.
SUBSCRIPTIONS = [
    Subscription(
        CLUE_STATUS, expecting(ClueStatusChanged, on_clue_status, refused=(UnknownReferral,))
    ),
    Subscription(
        CASE_CONCLUDED, expecting(CaseConcluded, on_case_concluded, refused=(UnknownReferral,))
    ),
]
