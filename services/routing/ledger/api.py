"""Routing's internal ledger routes (`/internal/ledger/...`), behind the service credential."""

from fastapi import Request

from services.routing import orm
from services.routing.consumer import CONSUMED
from services.routing.deps import Services
from services.routing.ledger import facts, handlers
from services.routing.settings import SERVICE, Settings
from shared.ledger import dead_letters
from shared.ledger.api import ledger_router
from shared.ledger.digest import Bucket
from shared.ledger.schemas import (
    DeadLetterOut,
    DigestRequest,
    ItemsRequest,
    LedgerItem,
    RepublishRequest,
    RepublishResult,
)
from shared.runtime import services_of
from shared.service_tokens import ServiceCaller

services = services_of(Services)


class RoutingLedger:
    service = SERVICE
    views = facts.VIEWS

    async def digests(self, request: Request, query: DigestRequest) -> list[Bucket]:
        return await handlers.digests(services(request).uow(), query)

    async def items(self, request: Request, query: ItemsRequest) -> list[LedgerItem]:
        return await handlers.items(services(request).uow(), query)

    async def republish(
        self, request: Request, command: RepublishRequest, caller: ServiceCaller
    ) -> list[RepublishResult]:
        uow = services(request).uow()
        return await handlers.republish(uow, command, actor=caller.actor)

    async def dead_letters(self, request: Request) -> list[DeadLetterOut]:
        found = services(request)
        return await dead_letters.unapplied(
            service=SERVICE,
            settings=found.settings,
            topics=list(CONSUMED),
            sessions=found.runtime.sessions,
            inbox=orm.inbox,
        )


def _settings(request: Request) -> Settings:
    return services(request).settings


router = ledger_router(RoutingLedger(), _settings)
