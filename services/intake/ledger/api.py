"""Intake's internal ledger routes (`/internal/ledger/...`), for routing's reconciler only."""

from typing import Annotated, Any

from fastapi import Depends, Request

from services.intake import orm
from services.intake.consumer import SUBSCRIPTIONS
from services.intake.deps import Services
from services.intake.ledger import facts, handlers
from services.intake.settings import Settings
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

SERVICE = "intake"

services = services_of(Services)


class IntakeLedger:
    service = SERVICE
    views = facts.VIEWS

    async def digests(self, request: Request, query: DigestRequest) -> list[Bucket]:
        return await handlers.digests(services(request).uow(), query)

    async def items(self, request: Request, query: ItemsRequest) -> list[LedgerItem]:
        return await handlers.items(services(request).uow(), query)

    async def republish(
        self, request: Request, command: RepublishRequest, caller: ServiceCaller
    ) -> list[RepublishResult]:
        return await handlers.republish(services(request).uow(), command, caller)

    async def dead_letters(self, request: Request) -> list[DeadLetterOut]:
        found = services(request)
        return await dead_letters.unapplied(
            service=SERVICE,
            settings=found.settings,
            topics=[s.topic for s in SUBSCRIPTIONS],
            sessions=found.runtime.sessions,
            inbox=orm.inbox,
        )


def _settings(request: Request) -> Settings:
    return services(request).settings


router = ledger_router(IntakeLedger(), _settings)
Reader = Annotated[ServiceCaller, Depends(service_caller(SERVICE, LEDGER_READ, _settings))]


@router.post("/undelivered-feedback", summary="Outcomes whose webhook delivery failed for good")
async def undelivered_feedback(request: Request, window: Window, _: Reader) -> list[dict[str, Any]]:
    return await handlers.failed_feedback(services(request).uow(), window)
