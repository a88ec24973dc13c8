"""Routing's unit of work: the shared one with routing's repositories, and its events mapped."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing import orm
from services.routing.audit.repository import AuditLog
from services.routing.calendar import CalendarRepository
from services.routing.decisions.publish import contracts_of
from services.routing.decisions.repository import ClueRepository
from services.routing.decisions.transfer_repository import TransferRepository
from services.routing.ledger.repository import LedgerRepository
from services.routing.links.repository import LinkRepository
from services.routing.reconciliation.repository import ReconciliationRepository
from services.routing.registry.repository import RegistryRepository
from services.routing.rules.repository import RuleSetRepository
from shared.events import Event
from shared.events.topics import source_of
from shared.uow import UnitOfWork

SOURCE = source_of("routing")


class RoutingUnitOfWork(UnitOfWork):
    outbox = orm.outbox
    source = SOURCE
    registry: RegistryRepository
    rule_sets: RuleSetRepository
    clues: ClueRepository
    transfers: TransferRepository
    links: LinkRepository
    audit: AuditLog
    calendar: CalendarRepository
    ledger: LedgerRepository
    reconciliations: ReconciliationRepository

    def bind(self, session: AsyncSession) -> None:
        self.registry = RegistryRepository(session)
        self.rule_sets = RuleSetRepository(session)
        self.clues = ClueRepository(session)
        self.transfers = TransferRepository(session)
        self.links = LinkRepository(session)
        self.audit = AuditLog(session)
        self.calendar = CalendarRepository(session)
        self.ledger = LedgerRepository(session)
        self.reconciliations = ReconciliationRepository(session)

    def publishable(self, event: object) -> Sequence[Event]:
        mapped = contracts_of(event)
        return super().publishable(event) if mapped is None else mapped
