"""What callers ask of the referrals capability: plain data, free of HTTP models."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.intake.referrals.domain import ReferralDraft, Sender
from shared.codes import ClueStatus


@dataclass(frozen=True, kw_only=True)
class SubmitReferral:
    sender: Sender
    draft: ReferralDraft
    idempotency_key: str
    # Keyed fingerprint of the request body: a replay must be the very same request.
    request_hash: str


@dataclass(frozen=True, kw_only=True)
class ReadReferral:
    agency_id: UUID
    referral_id: UUID


@dataclass(frozen=True, kw_only=True)
class ListReferrals:
    agency_id: UUID
    statuses: tuple[ClueStatus, ...] = ()
    received_after: datetime | None = None  # inclusive
    received_before: datetime | None = None  # exclusive
    after: tuple[datetime, UUID] | None = None  # keyset position: rows strictly older than it
    limit: int = 20
