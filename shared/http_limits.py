"""Limits applied before any work: the size of the request head, and how often one client
address may fail to authenticate. Both answer before the body is read or the database used."""

import math

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.apidocs.marks import MiddlewareRefusal
from shared.problems import problem_response
from shared.rate_limits import Budgets, TokenBuckets, budgets
from shared.settings import ServiceSettings

__all__ = ["FailedAuthenticationLimit", "HeadSizeLimit", "TokenBuckets", "install_limits"]

# Request line plus headers; an identity provider's token fits many times over.
MAX_HEAD_BYTES = 32 * 1024


def _head_bytes(scope: Scope) -> int:
    line = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 16
    return line + sum(len(name) + len(value) + 4 for name, value in scope.get("headers", ()))


class HeadSizeLimit:
    """431 for a head over the cap, for servers that do not enforce it themselves."""

    documented_refusals = (MiddlewareRefusal(431),)

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_HEAD_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _head_bytes(scope) > self.max_bytes:
            response = problem_response(
                431,
                "Request header fields too large",
                slug="headers-too-large",
                detail=f"the request line and headers exceed {self.max_bytes} bytes",
                instance=scope.get("path"),
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class FailedAuthenticationLimit:
    """Every 401 costs the client address a token; an address out of tokens gets 429 at once,
    before its body is read or a credential looked up: guessing keys costs the guesser."""

    documented_refusals = (MiddlewareRefusal(429),)

    def __init__(self, app: ASGIApp, budgets: Budgets, service: str) -> None:
        self.app, self.budgets, self.service = app, budgets, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = f"{self.service}:failed-auth:{client[0] if client else 'unknown'}"
        if wait := await self.budgets.wait_seconds(key):
            retry_after = str(max(1, math.ceil(wait)))
            response = problem_response(
                429,
                "Too many requests",
                slug="rate-limited",
                detail="too many failed authentications from this address; retry later",
                instance=scope.get("path"),
                headers={"Retry-After": retry_after},
            )
            await response(scope, receive, send)
            return

        async def observing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                await self.budgets.spend(key)
            await send(message)

        await self.app(scope, receive, observing_send)


def install_limits(app: FastAPI, settings: ServiceSettings) -> None:
    """Outermost middleware of a service; call after every other add_middleware."""
    found = budgets(
        settings.redis_url_value(),
        name="failed-authentication",
        prefix=settings.redis_key_prefix,
        per_second=settings.failed_auth_per_second,
        burst=settings.failed_auth_burst,
    )
    service = str(settings.model_config.get("env_prefix", "")).rstrip("_").lower()
    app.add_middleware(FailedAuthenticationLimit, budgets=found, service=service)
    app.add_middleware(HeadSizeLimit)
