"""Intake's use cases: load through the unit of work, decide, commit."""

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake.commands import SubmitReferral
from services.intake.domain import IdempotencyInFlight, IdempotencyMismatch, StatusReport
from services.intake.identifiers import (
    china_date,
    hash_id_number,
    mask_id_number,
    new_receipt_number,
)
from services.intake.repository import ReferralFilter, Repository, status_of
from services.intake.schemas import ReferralIn, ReferralOut, ReferralSummary
from services.intake.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.views import accepted_view, referral_view, summary_view
from services.intake.webhooks.events import enqueue_status_change
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.consumer import EventRefused
from shared.events.contracts import ClueReceived, ClueStatusChanged, SubjectSnapshot

# Keys released per transaction when pruning: short row locks beside live requests.
PRUNE_BATCH = 1000


async def submit_referral(
    uow: IntakeUnitOfWork,
    command: SubmitReferral,
    *,
    sealer: Sealer,
    pepper: str,
    window: timedelta,
) -> tuple[ReferralOut, bool]:
    """Stores the referral and its clue.received event in one transaction; a key used within
    the window replays the first acceptance. The referral row is the idempotency record: its
    unique (agency, key) constraint makes one key one referral, and the key is "in flight"
    exactly while the transaction that claims it is open."""
    agency_id, key = command.agency.id, command.idempotency_key
    async with uow:
        if not await uow.referrals.lock_idempotency_key(agency_id, key):
            raise IdempotencyInFlight(key)
        existing = await uow.referrals.referral_by_idempotency_key(agency_id, key)
        if existing is not None and existing.received_at > utcnow() - window:
            return _replayed(existing, command), True
        if existing is not None:
            await uow.referrals.release_idempotency_key(existing.id)  # its window is over
        try:
            values = await _store(uow, command, sealer=sealer, pepper=pepper)
        except IntegrityError as error:
            conflict = error  # defence in depth: the constraint caught a writer the lock missed
        else:
            return accepted_view(values), False
    async with uow:
        existing = await uow.referrals.referral_by_idempotency_key(agency_id, key)
    if existing is None:
        raise conflict
    return _replayed(existing, command), True


def _replayed(row: Row[Any], command: SubmitReferral) -> ReferralOut:
    if row.request_hash != command.request_hash:
        raise IdempotencyMismatch(command.idempotency_key)
    return accepted_view(row._mapping)


async def prune_idempotency_keys(uow: IntakeUnitOfWork, window: timedelta) -> int:
    """Releases keys whose window is over, in short batches; returns how many."""
    cutoff, total = utcnow() - window, 0
    while True:
        async with uow:
            released = await uow.referrals.release_expired_keys(cutoff, batch=PRUNE_BATCH)
            await uow.commit()
        total += released
        if released < PRUNE_BATCH:
            return total


async def _store(
    uow: IntakeUnitOfWork, command: SubmitReferral, *, sealer: Sealer, pepper: str
) -> dict[str, Any]:
    referral_id = uuid4()
    values = _referral_row(referral_id, command, sealer=sealer, pepper=pepper)
    await uow.referrals.add_referral(values)
    await uow.referrals.add_timeline(
        referral_id, StatusReport(ClueStatus.RECEIVED, values["received_at"])
    )
    uow.emit(_clue_received(values, command))
    await uow.commit()
    return values


def _referral_row(
    referral_id: UUID, command: SubmitReferral, *, sealer: Sealer, pepper: str
) -> dict[str, Any]:
    body, now = command.referral, utcnow()
    key_id, sealed = None, None
    if body.reporter is not None:
        key_id, sealed = sealer.seal(
            body.reporter.model_dump(mode="json"), associated=referral_id.bytes
        )
    return {
        "id": referral_id,
        "agency_id": command.agency.id,
        "receipt_number": new_receipt_number(china_date(now)),
        "idempotency_key": command.idempotency_key,
        "request_hash": command.request_hash,
        "status": ClueStatus.RECEIVED,
        "status_at": now,
        "category": body.category,
        "topics": [str(t) for t in body.topics],
        "channel": body.channel,
        "summary": body.summary,
        "facts": body.facts,
        "amount": body.amount,
        "period": body.period.model_dump(mode="json") if body.period else None,
        "region": body.region,
        "subjects": _stored_subjects(body, pepper),
        "attachments": [a.model_dump(mode="json") for a in body.attachments],
        "reporter_key_id": key_id,
        "reporter_sealed": sealed,
        "received_at": now,
    }


def _stored_subjects(body: ReferralIn, pepper: str) -> list[dict[str, Any]]:
    stored = []
    for subject in body.subjects:
        data = subject.model_dump(mode="json", exclude={"id_number"})
        if subject.id_number:
            data["id_number_masked"] = mask_id_number(subject.id_number)
            data["id_number_hash"] = hash_id_number(subject.id_number, pepper)
        stored.append(data)
    return stored


def _clue_received(values: dict[str, Any], command: SubmitReferral) -> ClueReceived:
    snapshot_fields = set(SubjectSnapshot.model_fields)
    return ClueReceived(
        clue_id=values["id"],
        receipt_number=values["receipt_number"],
        agency_id=command.agency.id,
        agency_name=command.agency.name,
        received_at=values["received_at"],
        subjects=[
            SubjectSnapshot(**{k: v for k, v in s.items() if k in snapshot_fields})
            for s in values["subjects"]
        ],
        category=values["category"],
        topics=command.referral.topics,
        channel=values["channel"],
        summary=values["summary"],
        region=values["region"],
        amount=values["amount"],
    )


async def record_status(session: AsyncSession, event: ClueStatusChanged) -> None:
    """Consumer of clue.status: one timeline entry per report, the current status recomputed."""
    repo = Repository(session)
    row = await repo.referral_for_update(event.clue_id)
    if row is None:
        # The referral row commits with its clue.received event: no valid report precedes it.
        raise EventRefused(f"status for unknown referral {event.clue_id}")
    report = StatusReport(
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
    state = status_of(row)
    state.apply(report)
    await repo.add_timeline(event.clue_id, report)
    await repo.save_status(event.clue_id, state)
    await enqueue_status_change(session, row, report, state)


async def read_referral(
    sessions: async_sessionmaker[AsyncSession], agency_id: UUID, referral_id: UUID
) -> ReferralOut | None:
    """The sender's view; another agency's referral reads as absent."""
    async with sessions() as session:
        repo = Repository(session)
        row = await repo.referral(agency_id, referral_id)
        if row is None:
            return None
        uploaded = await repo.uploaded_indexes(row.id) if row.attachments else set()
        return referral_view(row, await repo.timeline(row.id), uploaded)


async def list_referrals(
    sessions: async_sessionmaker[AsyncSession], agency_id: UUID, query: ReferralFilter
) -> list[ReferralSummary]:
    """One page of the agency's own referrals, newest first."""
    async with sessions() as session:
        rows = await Repository(session).referral_page(agency_id, query)
    return [summary_view(row) for row in rows]
