"""The referral aggregate: a clue a partner agency refers, checked beyond its schema, in the
form intake keeps (ID numbers masked and keyed-hashed, the reporter sealed), raising
ReferralReceived, which the unit of work publishes as clue.received. Pure: no I/O."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID, uuid4

from services.intake.attachments.domain import AttachmentPolicy, DeclaredAttachment
from services.intake.errors import ReferralRejected
from services.intake.referrals.identifiers import (
    china_date,
    hash_id_number,
    mask_id_number,
    new_receipt_number,
)
from shared.codes import AgencyKind, Category, Channel, ClueStatus, Level, Rank, Topic


class Seals(Protocol):
    def seal(self, value: dict[str, Any], *, associated: bytes) -> tuple[str, bytes]: ...


@dataclass(frozen=True)
class Protection:
    """How a referral keeps personal data: the sealer for the reporter, the ID-number pepper."""

    sealer: Seals
    pepper: str


@dataclass(frozen=True)
class Sender:
    """The authenticated agency; `kind` None when its registry entry predates the code table."""

    id: UUID
    name: str
    kind: AgencyKind | None = None


@dataclass(frozen=True)
class Subject:
    name: str
    unit: str
    rank: Rank
    managing_level: Level
    party_member: bool
    id_number: str | None = None
    position: str | None = None
    same_level_committee_leader: bool = False
    unit_credit_code: str | None = None

    def stored_form(self, pepper: str) -> dict[str, Any]:
        """Never the ID number itself: its mask for the sender, its keyed hash for linking."""
        stored: dict[str, Any] = {
            "name": self.name,
            "unit": self.unit,
            "position": self.position,
            "rank": str(self.rank),
            "managing_level": str(self.managing_level),
            "party_member": self.party_member,
            "same_level_committee_leader": self.same_level_committee_leader,
            "unit_credit_code": self.unit_credit_code,
        }
        if self.id_number:
            stored["id_number_masked"] = mask_id_number(self.id_number)
            stored["id_number_hash"] = hash_id_number(self.id_number, pepper)
        return stored


@dataclass(frozen=True)
class Reporter:
    anonymous: bool
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None

    def sealed_form(self) -> dict[str, Any]:
        return {
            "anonymous": self.anonymous,
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
        }


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class ReferralDraft:
    """What the agency sent, already through the schema's checks."""

    subjects: tuple[Subject, ...]
    category: Category
    channel: Channel
    summary: str
    facts: str
    region: str
    topics: tuple[Topic, ...] = ()
    amount: Decimal | None = None
    period: Period | None = None
    attachments: tuple[DeclaredAttachment, ...] = ()
    reporter: Reporter | None = None


@dataclass(frozen=True)
class ReferralReceived:
    """Raised once, when intake accepts the referral; never carries the reporter."""

    referral_id: UUID
    receipt_number: str
    sender: Sender
    received_at: datetime
    subjects: tuple[dict[str, Any], ...]
    category: Category
    topics: tuple[Topic, ...]
    channel: Channel
    summary: str
    region: str
    amount: Decimal | None
    real_name_report: bool


@dataclass
class Referral:
    id: UUID
    sender: Sender
    receipt_number: str
    idempotency_key: str
    request_hash: str
    received_at: datetime
    draft: ReferralDraft
    subjects: list[dict[str, Any]]
    sealed_reporter: tuple[str, bytes] | None
    events: list[ReferralReceived] = field(default_factory=list)

    @classmethod
    def submit(
        cls,
        draft: ReferralDraft,
        *,
        sender: Sender,
        idempotency_key: str,
        request_hash: str,
        policy: AttachmentPolicy,
        protection: Protection,
        now: datetime,
    ) -> "Referral":
        if errors := policy.declared_errors(draft.attachments):
            raise ReferralRejected(errors)
        referral_id, reporter = uuid4(), draft.reporter
        referral = cls(
            id=referral_id,
            sender=sender,
            receipt_number=new_receipt_number(china_date(now)),
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            received_at=now,
            draft=draft,
            subjects=[s.stored_form(protection.pepper) for s in draft.subjects],
            # Bound to the referral id: a sealed reporter copied onto another row does not open.
            sealed_reporter=protection.sealer.seal(
                reporter.sealed_form(), associated=referral_id.bytes
            )
            if reporter
            else None,
        )
        referral.events.append(referral.received())
        return referral

    def received(self) -> ReferralReceived:
        reporter = self.draft.reporter
        return ReferralReceived(
            referral_id=self.id,
            receipt_number=self.receipt_number,
            sender=self.sender,
            received_at=self.received_at,
            subjects=tuple(self.subjects),
            category=self.draft.category,
            topics=self.draft.topics,
            channel=self.draft.channel,
            summary=self.draft.summary,
            region=self.draft.region,
            amount=self.draft.amount,
            real_name_report=reporter is not None and not reporter.anonymous,
        )

    def stored_form(self) -> dict[str, Any]:
        d, (key_id, sealed) = self.draft, self.sealed_reporter or (None, None)
        return {
            "id": self.id,
            "agency_id": self.sender.id,
            "receipt_number": self.receipt_number,
            "idempotency_key": self.idempotency_key,
            "request_hash": self.request_hash,
            "status": ClueStatus.RECEIVED,
            "status_at": self.received_at,
            "category": d.category,
            "topics": [str(t) for t in d.topics],
            "channel": d.channel,
            "summary": d.summary,
            "facts": d.facts,
            "amount": d.amount,
            "period": {"start": d.period.start.isoformat(), "end": d.period.end.isoformat()}
            if d.period
            else None,
            "region": d.region,
            "subjects": self.subjects,
            "attachments": [a.stored_form() for a in d.attachments],
            "reporter_key_id": key_id,
            "reporter_sealed": sealed,
            "received_at": self.received_at,
        }

    def collect_events(self) -> list[Any]:
        collected, self.events = self.events, []
        return list(collected)
