"""Limits applied before any work: the size of the request head, and how often one client
address may fail to authenticate. Both answer before the body is read or the database used."""

import math
import time
from collections.abc import Callable

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.apidocs.marks import MiddlewareRefusal
from shared.problems import problem_response
from shared.settings import ServiceSettings

# Request line plus headers; an identity provider's token fits many times over.
MAX_HEAD_BYTES = 32 * 1024


class TokenBuckets:
    """A token bucket per key (an address, an agency), in this process only."""

    def __init__(
        self,
        per_second: float,
        burst: int,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate, self._burst, self._max_keys = per_second, float(burst), max_keys
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def _level(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self._burst, now))
        return min(self._burst, tokens + (now - last) * self._rate)

    def wait_seconds(self, key: str) -> float:
        """0 while the key has a token left (without taking it), else seconds until it has."""
        level = self._level(key, self._clock())
        return 0.0 if level >= 1.0 else (1.0 - level) / self._rate

    def take(self, key: str) -> None:
        now = self._clock()
        if len(self._buckets) >= self._max_keys:
            self._forget_full(now)
        self._buckets[key] = (max(0.0, self._level(key, now) - 1.0), now)

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: bounded memory under a spray.
        full = [k for k in self._buckets if self._level(k, now) >= self._burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self._max_keys:
            self._buckets.clear()


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

    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app, self.buckets = app, buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        if wait := self.buckets.wait_seconds(address):
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
                self.buckets.take(address)
            await send(message)

        await self.app(scope, receive, observing_send)


def install_limits(app: FastAPI, settings: ServiceSettings) -> None:
    """Outermost middleware of a service; call after every other add_middleware."""
    buckets = TokenBuckets(settings.failed_auth_per_second, settings.failed_auth_burst)
    app.add_middleware(FailedAuthenticationLimit, buckets=buckets)
    app.add_middleware(HeadSizeLimit)
