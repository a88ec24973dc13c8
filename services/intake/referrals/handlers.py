"""Referral use cases: accept one (idempotently), read and list them, fold status reports and
conclusions from routing and casework, release expired idempotency keys."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from services.intake.attachments.domain import AttachmentPolicy
from services.intake.errors import (
    IdempotencyInFlight,
    IdempotencyMismatch,
    NotOwned,
    UnknownReferral,
)
from services.intake.referrals.commands import ListReferrals, ReadReferral, SubmitReferral
from services.intake.referrals.domain import Protection, Referral
from services.intake.referrals.idempotency import PriorUse, Verdict, decide, same_request
from services.intake.referrals.schemas import ReferralOut, ReferralSummary
from services.intake.referrals.status import Conclusion, ReferralState, StatusReport
from services.intake.referrals.views import accepted_view, referral_view, summary_view
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.webhooks.domain import status_payload
from shared.clock import utcnow

# Keys released per transaction when pruning: short row locks beside live requests.
PRUNE_BATCH = 1000


@dataclass(frozen=True)
class Accepted:
    referral: ReferralOut
    replayed: bool  # the answer to an earlier request with the same key and body


async def submit_referral(
    uow: IntakeUnitOfWork,
    command: SubmitReferral,
    *,
    policy: AttachmentPolicy,
    protection: Protection,
    window: timedelta,
) -> Accepted:
    """The referral and its clue.received event in one transaction; a key used within the
    window replays the first acceptance (referrals/idempotency.py says when)."""
    now = utcnow()
    # Built, checked and sealed before the transaction opens: the key is held the least time.
    referral = Referral.submit(
        command.draft,
        sender=command.sender,
        idempotency_key=command.idempotency_key,
        request_hash=command.request_hash,
        policy=policy,
        protection=protection,
        now=now,
    )
    async with uow:
        claim = await uow.referrals.claim_key(
            agency_id=referral.sender.id, key=referral.idempotency_key
        )
        verdict = decide(claim, request_hash=referral.request_hash, now=now, window=window)
        if verdict not in (Verdict.FRESH, Verdict.EXPIRED):
            return _answer(verdict, claim.prior, referral.idempotency_key)
        expired = claim.prior.referral_id if claim.prior is not None else None
        try:
            await uow.referrals.add(referral, releasing=expired)
            uow.track(referral)
            await uow.commit()
        except IntegrityError as conflict:
            error = conflict  # defence in depth: the constraint caught a writer the lock missed
        else:
            return Accepted(accepted_view(referral.stored_form()), replayed=False)
    return await _answer_after_conflict(uow, referral, error)


async def _answer_after_conflict(
    uow: IntakeUnitOfWork, referral: Referral, error: IntegrityError
) -> Accepted:
    """Another writer took the key first: its request answers for the key now."""
    agency_id, key = referral.sender.id, referral.idempotency_key
    async with uow:
        prior = await uow.referrals.prior_use(agency_id=agency_id, key=key)
    if prior is None:
        raise error
    return _answer(same_request(prior, referral.request_hash), prior, key)


def _answer(verdict: Verdict, prior: PriorUse | None, key: str) -> Accepted:
    if verdict is Verdict.IN_FLIGHT:
        raise IdempotencyInFlight(key)
    if verdict is Verdict.MISMATCH:
        raise IdempotencyMismatch(key)
    assert prior is not None
    return Accepted(accepted_view(prior.stored), replayed=True)


async def read_referral(uow: IntakeUnitOfWork, query: ReadReferral) -> ReferralOut:
    """The sender's view; another agency's referral reads as absent."""
    async with uow:
        row = await uow.referrals.one(agency_id=query.agency_id, referral_id=query.referral_id)
        if row is None:
            target = f"referral:{query.referral_id}"
            raise NotOwned("no such referral", agency_id=query.agency_id, target=target)
        uploaded = await uow.attachments.uploaded_indexes(row.id) if row.attachments else set()
        return referral_view(row, await uow.referrals.timeline(row.id), uploaded)


async def list_referrals(
    uow: IntakeUnitOfWork, query: ListReferrals
) -> tuple[list[ReferralSummary], bool]:
    """One page of the agency's own referrals, newest first; and whether more follow."""
    async with uow:
        rows = await uow.referrals.page(_one_more(query))
    return [summary_view(row) for row in rows[: query.limit]], len(rows) > query.limit


def _one_more(query: ListReferrals) -> ListReferrals:
    # One row past the page tells whether another page exists, without a trailing empty one.
    return ListReferrals(
        agency_id=query.agency_id,
        statuses=query.statuses,
        received_after=query.received_after,
        received_before=query.received_before,
        after=query.after,
        limit=query.limit + 1,
    )


async def record_status(uow: IntakeUnitOfWork, report: StatusReport, *, referral_id: UUID) -> None:
    """A status report: one timeline entry, the current status refolded, the webhooks told."""
    async with uow:
        referral = await _state(uow, referral_id)
        referral.status.apply(report)
        await _recorded(uow, referral, report, notify=True)
        await uow.commit()


async def record_conclusion(
    uow: IntakeUnitOfWork, conclusion: Conclusion, *, referral_id: UUID
) -> bool:
    """casework's conclusion fed back: applied (status, outcome, webhook) only when it is the
    lead's of the newest stage; otherwise in the timeline only. True when applied."""
    async with uow:
        referral = await _state(uow, referral_id)
        applied = referral.status.conclude(conclusion)
        await _recorded(uow, referral, conclusion.report(), notify=applied)
        await uow.commit()
    return applied


async def _state(uow: IntakeUnitOfWork, referral_id: UUID) -> ReferralState:
    referral = await uow.referrals.state_for_update(referral_id)
    if referral is None:
        raise UnknownReferral(f"status for unknown referral {referral_id}")
    return referral


async def _recorded(
    uow: IntakeUnitOfWork, referral: ReferralState, report: StatusReport, *, notify: bool
) -> None:
    await uow.referrals.record_report(referral, report)
    if notify:
        await uow.webhooks.enqueue(
            agency_id=referral.agency_id,
            referral_id=referral.id,
            payload=status_payload(referral, report),
            now=utcnow(),
        )


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
