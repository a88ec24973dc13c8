"""Intake's unit of work: every capability's repository bound to its session, and what the
referral aggregate raises published as contract events at commit (shared/uow.py)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.agencies.repository import AgencyRepository
from services.intake.attachments.repository import AttachmentRepository
from services.intake.audit import AuditRepository
from services.intake.ledger.repository import LedgerRepository
from services.intake.referrals.domain import ReferralReceived
from services.intake.referrals.repository import ReferralRepository
from services.intake.reporter.repository import ReporterRepository
from services.intake.webhooks.repository import DeliveryQueue, WebhookRepository
from shared.events import Event
from shared.events.contracts import ClueReceived, SubjectSnapshot
from shared.uow import UnitOfWork

SOURCE = "/guantong/intake"
_SNAPSHOT_FIELDS = frozenset(SubjectSnapshot.model_fields)


class IntakeUnitOfWork(UnitOfWork):
    outbox = orm.outbox
    source = SOURCE
    referrals: ReferralRepository
    agencies: AgencyRepository
    attachments: AttachmentRepository
    reporters: ReporterRepository
    webhooks: WebhookRepository
    deliveries: DeliveryQueue
    audit: AuditRepository
    ledger: LedgerRepository

    def bind(self, session: AsyncSession) -> None:
        self.referrals = ReferralRepository(session)
        self.agencies = AgencyRepository(session)
        self.attachments = AttachmentRepository(session)
        self.reporters = ReporterRepository(session)
        self.webhooks = WebhookRepository(session)
        self.deliveries = DeliveryQueue(session)
        self.audit = AuditRepository(session)
        self.ledger = LedgerRepository(session)

    def publishable(self, event: Any) -> Sequence[Event]:
        if isinstance(event, ReferralReceived):
            return [clue_received(event)]
        return super().publishable(event)


def clue_received(event: ReferralReceived) -> ClueReceived:
    """What routing may know of a referral: subjects without ID numbers, never the reporter."""
    return ClueReceived(
        clue_id=event.referral_id,
        receipt_number=event.receipt_number,
        agency_id=event.sender.id,
        agency_name=event.sender.name,
        agency_kind=event.sender.kind,
        received_at=event.received_at,
        subjects=[
            SubjectSnapshot(**{k: v for k, v in s.items() if k in _SNAPSHOT_FIELDS})
            for s in event.subjects
        ],
        category=event.category,
        topics=list(event.topics),
        channel=event.channel,
        summary=event.summary,
        region=event.region,
        amount=event.amount,
        real_name_report=event.real_name_report,
    )
