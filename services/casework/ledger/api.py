"""Casework's internal ledger routes (`/internal/ledger/...`), for routing's reconciler only."""

from typing import Annotated, Any

from fastapi import Depends, Request

from services.casework import orm
from services.casework.consumer import CONSUMED
from services.casework.deps import Services
from services.casework.ledger import facts, handlers
from services.casework.scope import SYSTEM
from services.casework.settings import Settings
from shared.clock import utcnow
from shared.ledger import dead_letters
from shared.ledger.access import service_caller
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
from shared.ledger.window import Window
from shared.runtime import services_of
from shared.service_tokens import LEDGER_READ, ServiceCaller

SERVICE = "casework"

services = services_of(Services)


class CaseworkLedger:
    service = SERVICE
    views = facts.VIEWS

    async def digests(self, request: Request, query: DigestRequest) -> list[Bucket]:
        return await handlers.digests(services(request).uow(SYSTEM), query)

    async def items(self, request: Request, query: ItemsRequest) -> list[LedgerItem]:
        return await handlers.items(services(request).uow(SYSTEM), query)

    async def republish(
        self, request: Request, command: RepublishRequest, caller: ServiceCaller
    ) -> list[RepublishResult]:
        return await handlers.republish(services(request).uow(SYSTEM), command, caller)

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


router = ledger_router(CaseworkLedger(), _settings)
Reader = Annotated[ServiceCaller, Depends(service_caller(SERVICE, LEDGER_READ, _settings))]


@router.post("/bodies", summary="Per body: assigned, signed for, disposed, concluded, overdue")
async def bodies(request: Request, window: Window, _: Reader) -> list[dict[str, Any]]:
    uow = services(request).uow(SYSTEM)
    return await handlers.per_body(uow, window, now=utcnow())
