"""Request limits: a token bucket per agency, and a body size cap in front of the app."""

import math
import time
from collections.abc import Callable
from uuid import UUID

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.problems import Problem, problem_response


class RateLimited(Problem):
    status, slug, title = 429, "rate-limited", "Too many requests"


class RateLimiter:
    """Per worker process: with N workers an agency may reach N times the configured rate.

    That is the price of needing no shared store; the limit is there to keep one agency's
    runaway loop from starving the others, not to meter usage exactly.
    """

    def __init__(
        self,
        per_second: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = per_second
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[UUID, tuple[float, float]] = {}

    def wait_seconds(self, agency_id: UUID) -> float:
        """Takes one token and returns 0, or returns how long until one is available."""
        now = self._clock()
        tokens, last = self._buckets.get(agency_id, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens >= 1.0:
            self._buckets[agency_id] = (tokens - 1.0, now)
            return 0.0
        self._buckets[agency_id] = (tokens, now)
        return (1.0 - tokens) / self._rate

    def check(self, agency_id: UUID) -> None:
        wait = self.wait_seconds(agency_id)
        if wait > 0:
            retry_after = str(max(1, math.ceil(wait)))
            raise RateLimited(
                f"this agency's rate limit is exhausted; retry after {retry_after} s",
                headers={"Retry-After": retry_after},
            )


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """ASGI middleware: refuses a body over `max_bytes` with 413 before the app parses it.

    A declared Content-Length is judged up front; a chunked body is counted as it streams,
    and the read that crosses the limit aborts the app, whose reply is replaced by the 413.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received, exceeded, started = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            "Request body too large",
            slug="body-too-large",
            detail=f"the request body exceeds {self.max_bytes} bytes",
            instance=scope.get("path"),
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
