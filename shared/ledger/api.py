"""The internal ledger routes every service serves, under `/internal/ledger`, each behind the
service credential. A service plugs in what its ledger holds (`Ledger`); the routes, the
credential check and the wire format are the same everywhere."""

from collections.abc import Callable
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Request

from shared.ledger.access import service_caller
from shared.ledger.digest import Bucket
from shared.ledger.schemas import (
    BucketOut,
    DeadLetterOut,
    DeadLetterPage,
    DigestPage,
    DigestRequest,
    ItemsPage,
    ItemsRequest,
    LedgerItem,
    RepublishPage,
    RepublishRequest,
    RepublishResult,
)
from shared.service_tokens import LEDGER_READ, LEDGER_REPUBLISH, ServiceCaller
from shared.settings import ServiceSettings

PREFIX = "/internal/ledger"


class Ledger(Protocol):
    """One service's ledger; `request` gives the service's own dependencies."""

    service: str
    views: tuple[str, ...]

    async def digests(self, request: Request, query: DigestRequest) -> list[Bucket]: ...

    async def items(self, request: Request, query: ItemsRequest) -> list[LedgerItem]: ...

    async def republish(
        self, request: Request, command: RepublishRequest, caller: ServiceCaller
    ) -> list[RepublishResult]: ...

    async def dead_letters(self, request: Request) -> list[DeadLetterOut]: ...


def ledger_router(ledger: Ledger, settings_of: Callable[[Request], ServiceSettings]) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["ledger (internal)"])
    reader = Annotated[
        ServiceCaller, Depends(service_caller(ledger.service, LEDGER_READ, settings_of))
    ]
    republisher = Annotated[
        ServiceCaller, Depends(service_caller(ledger.service, LEDGER_REPUBLISH, settings_of))
    ]

    @router.post("/digests", summary="A digest per range of clue ids (a read)")
    async def digests(request: Request, query: DigestRequest, _: reader) -> DigestPage:
        found = await ledger.digests(request, query)
        buckets = [BucketOut(prefix=b.prefix, digests=b.digests) for b in found]
        return DigestPage(
            service=ledger.service,
            views=list(ledger.views),
            prefix_length=query.prefix_length,
            buckets=buckets,
        )

    @router.post("/items", summary="The clues of some ranges, as this ledger has them (a read)")
    async def items(request: Request, query: ItemsRequest, _: reader) -> ItemsPage:
        return ItemsPage(service=ledger.service, items=await ledger.items(request, query))

    @router.post("/republish", summary="Put events back on the wire from the outbox (audited)")
    async def republish(
        request: Request, command: RepublishRequest, caller: republisher
    ) -> RepublishPage:
        results = await ledger.republish(request, command, caller)
        return RepublishPage(service=ledger.service, results=results)

    @router.get("/dead-letters", summary="Dead letters of this service not applied since")
    async def dead_letters(request: Request, _: reader) -> DeadLetterPage:
        found = await ledger.dead_letters(request)
        return DeadLetterPage(service=ledger.service, dead_letters=found)

    return router
