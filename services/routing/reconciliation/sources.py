"""The ledgers the reconciler reads: intake's and casework's over HTTP with routing's service
credential, routing's own in-process (it never reads another service's database)."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel

from services.routing.ledger import handlers
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.ledger.schemas import (
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
from shared.ledger.window import Window
from shared.service_tokens import LEDGER_READ, LEDGER_REPUBLISH, ServiceTokenIssuer, audience

Digests = dict[str, dict[str, str]]  # prefix -> view -> digest
M = TypeVar("M", bound=BaseModel)


class LedgerUnavailable(RuntimeError):
    """A ledger did not answer as it should: the run fails, nothing is concluded from it."""


class LedgerSource(Protocol):
    service: str

    async def digests(self, query: DigestRequest) -> Digests: ...

    async def items(self, query: ItemsRequest) -> list[LedgerItem]: ...

    async def republish(self, command: RepublishRequest) -> list[RepublishResult]: ...

    async def dead_letters(self) -> list[DeadLetterOut]: ...


class HttpLedger:
    def __init__(
        self, service: str, base_url: str, issuer: ServiceTokenIssuer, *, timeout: float = 120.0
    ) -> None:
        self.service = service
        self._issuer = issuer
        # uvicorn closes a connection idle for 5 s; while one ledger answers a long digest the
        # other's connection idles, so ours are dropped sooner and never reused once closed.
        limits = httpx.Limits(keepalive_expiry=2.0)
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout, trust_env=False, limits=limits
        )

    async def digests(self, query: DigestRequest) -> Digests:
        page = await self._call("POST", "/digests", DigestPage, LEDGER_READ, query)
        return {b.prefix: b.digests for b in page.buckets}

    async def items(self, query: ItemsRequest) -> list[LedgerItem]:
        return (await self._call("POST", "/items", ItemsPage, LEDGER_READ, query)).items

    async def republish(self, command: RepublishRequest) -> list[RepublishResult]:
        page = await self._call("POST", "/republish", RepublishPage, LEDGER_REPUBLISH, command)
        return page.results

    async def dead_letters(self) -> list[DeadLetterOut]:
        page = await self._call("GET", "/dead-letters", DeadLetterPage, LEDGER_READ, None)
        return page.dead_letters

    async def undelivered_feedback(self, window: Window) -> list[dict[str, Any]]:
        answer = await self._send("POST", "/undelivered-feedback", LEDGER_READ, window)
        found: list[dict[str, Any]] = answer.json()
        return found

    async def bodies(self, window: Window) -> list[dict[str, Any]]:
        answer = await self._send("POST", "/bodies", LEDGER_READ, window)
        found: list[dict[str, Any]] = answer.json()
        return found

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _call(
        self, method: str, path: str, model: type[M], scope: str, body: BaseModel | None
    ) -> M:
        return model.model_validate_json((await self._send(method, path, scope, body)).content)

    async def _send(
        self, method: str, path: str, scope: str, body: BaseModel | None
    ) -> httpx.Response:
        token = self._issuer.token(audience=audience(self.service), scopes=[scope])
        try:
            answer = await self._client.request(
                method,
                f"/internal/ledger{path}",
                content=body.model_dump_json() if body is not None else None,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise LedgerUnavailable(f"{self.service}: {type(exc).__name__}") from None
        if answer.status_code != 200:
            raise LedgerUnavailable(f"{self.service}: HTTP {answer.status_code} on {path}")
        return answer


class LocalLedger:
    """Routing's own ledger, through the same use cases its API serves."""

    service = "routing"

    def __init__(
        self,
        units: Callable[[], RoutingUnitOfWork],
        dead_letters: Callable[[], Awaitable[list[DeadLetterOut]]],
        *,
        actor: str,
    ) -> None:
        self._units, self._dead_letters, self._actor = units, dead_letters, actor

    async def digests(self, query: DigestRequest) -> Digests:
        found = await handlers.digests(self._units(), query)
        return {b.prefix: b.digests for b in found}

    async def items(self, query: ItemsRequest) -> list[LedgerItem]:
        return await handlers.items(self._units(), query)

    async def republish(self, command: RepublishRequest) -> list[RepublishResult]:
        return await handlers.republish(self._units(), command, actor=self._actor)

    async def dead_letters(self) -> list[DeadLetterOut]:
        return await self._dead_letters()
