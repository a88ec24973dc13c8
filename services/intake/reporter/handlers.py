"""Unsealing a referral's reporter: staff holding the reporter_unsealer role, every attempt
audited (who, when, why, and whether it was refused). Nothing here writes to the app log."""

from services.intake.errors import ReporterNotFound
from services.intake.reporter.commands import Attempt, UnsealReporter
from services.intake.reporter.schemas import ReporterOut, UnsealedReporterOut
from services.intake.reporter.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow

UNSEAL_ROLE = "reporter_unsealer"
GRANTED = "reporter.unseal"
REFUSED = "reporter.unseal_refused"


async def unseal_reporter(
    uow: IntakeUnitOfWork, command: UnsealReporter, *, sealer: Sealer
) -> UnsealedReporterOut:
    staff, actor = command.staff, f"staff:{command.staff.user_id}"
    async with uow:
        row = await uow.reporters.sealed(command.referral_id)
        # An unsealer serves certain bodies: a referral they do not handle reads as absent.
        if row is None or not staff.serves(row.body_id):
            raise ReporterNotFound("no such referral")
        reporter = None
        if row.reporter_sealed is not None:
            data = sealer.unseal(row.reporter_key_id, row.reporter_sealed, associated=row.id.bytes)
            reporter = ReporterOut(**data)
        # The record is committed before the reporter leaves: no audit row, no disclosure.
        await uow.audit.record(
            actor=actor,
            action=GRANTED,
            target=f"referral:{command.referral_id}",
            reason=command.reason,
            detail={"name": staff.name, "reporter_present": reporter is not None},
        )
        await uow.commit()
    return UnsealedReporterOut(
        referral_id=row.id,
        receipt_number=row.receipt_number,
        reporter=reporter,
        unsealed_by=actor,
        unsealed_at=utcnow(),
    )


async def record_refusal(uow: IntakeUnitOfWork, attempt: Attempt) -> None:
    async with uow:
        await uow.audit.record(
            actor=attempt.actor,
            action=REFUSED,
            target=attempt.target,
            reason=attempt.reason,
            detail=attempt.detail,
        )
        await uow.commit()
