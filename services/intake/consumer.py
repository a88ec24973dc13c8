"""What intake's worker consumes: status reports and conclusions about the clues it received.

Each handler wraps the consumer loop's session (the loop owns the transaction and the inbox
claim) in a joined unit of work and calls the same kind of use case an API route calls.
"""

from collections.abc import Awaitable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.errors import UnknownReferral
from services.intake.referrals import handlers
from services.intake.referrals.status import Conclusion, StatusReport
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.consumer import EventRefused, Subscription
from shared.events import Event
from shared.events.contracts import CaseConcluded, ClueStatusChanged, Role
from shared.events.topics import CASE_CONCLUDED, CLUE_STATUS

E = TypeVar("E", bound=Event)


async def on_clue_status(session: AsyncSession, event: Event) -> None:
    changed = _expected(event, ClueStatusChanged, CLUE_STATUS)
    await _applied(
        handlers.record_status(
            IntakeUnitOfWork.within(session), _report(changed), referral_id=event.clue_id
        )
    )


async def on_case_concluded(session: AsyncSession, event: Event) -> None:
    concluded = _expected(event, CaseConcluded, CASE_CONCLUDED)
    await _applied(
        handlers.record_conclusion(
            IntakeUnitOfWork.within(session), _conclusion(concluded), referral_id=event.clue_id
        )
    )


def _expected(event: Event, kind: type[E], topic: str) -> E:
    if not isinstance(event, kind):
        raise EventRefused(f"unexpected {type(event).__name__} on {topic}")
    return event


async def _applied(use_case: Awaitable[object]) -> None:
    try:
        await use_case
    except UnknownReferral as exc:
        # The referral row commits with its clue.received event: no valid report precedes it.
        raise EventRefused(str(exc)) from exc


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


SUBSCRIPTIONS = [
    Subscription(CLUE_STATUS, on_clue_status),
    Subscription(CASE_CONCLUDED, on_case_concluded),
]
