from dataclasses import dataclass
from uuid import UUID

from services.intake.schemas import ReferralIn


@dataclass(frozen=True)
class Agency:
    """The authenticated caller."""

    id: UUID
    name: str


@dataclass(frozen=True)
class SubmitReferral:
    agency: Agency
    referral: ReferralIn
    idempotency_key: str
    request_hash: str
