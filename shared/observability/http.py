"""One ASGI middleware per API: each request gets an id, a span, an access line and metrics.

`install(app)` in each service's app.py adds it outermost, so it sees every answer, the 413s
and 429s of the limits in front of the routes included.

- Request id: the caller's `X-Request-Id` when it is a short plain token (it cannot smuggle
  anything into a log line), else a new one; echoed on the response, on every log line of the
  request (logs.py) and on the access line.
- The route is the template (`/v1/referrals/{referral_id}`), never the path with ids, for
  metrics and the span; a path no route matches is `unmatched`.
- The access line (logger `guantong.access`): method, route, path (ids are not personal data;
  the query string, which may carry names, never), status, duration, the agency when intake
  authenticated one. uvicorn's own access line is off (logs.py): it carries the query string.
"""

import logging
import re
import time
import uuid

from fastapi import FastAPI
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.observability import metrics, tracing
from shared.observability.context import request_id
from shared.settings import ServiceSettings

log = logging.getLogger("guantong.access")
REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


def install(app: FastAPI, *, service: str, settings: ServiceSettings) -> None:
    """Call last in create_app, so that the middleware is outermost. Also turns tracing on in
    this process when OTEL_EXPORTER_OTLP_ENDPOINT is set (each uvicorn worker builds its app)."""
    if not tracing.enabled():
        tracing.configure(
            service=service, process="api", endpoint=settings.otel_exporter_otlp_endpoint
        )
    app.add_middleware(Observed, routes=app.router.routes)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER and _SAFE_ID.fullmatch(value):
            return str(value.decode("ascii"))
    return uuid.uuid4().hex


def route_of(scope: Scope, routes: list[BaseRoute]) -> str:
    """The template of the route that answered; else of the route the path matches (a 413
    answered before routing), else `unmatched`."""
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return str(route.path)
    for candidate in routes:
        match, _ = candidate.matches(scope)
        if match != Match.NONE and hasattr(candidate, "path"):
            return str(candidate.path)
    return UNMATCHED


class Observed:
    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid, started, status = _request_id(scope), time.perf_counter(), 500
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        scope.setdefault("state", {})  # so that request.state (the agency) is visible here
        token = request_id.set(rid)
        span = tracing.server_span(method, scope.get("headers", ()))

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), (REQUEST_ID_HEADER, rid.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            with tracing.active(span):
                await self.app(scope, receive, recording_send)
        finally:
            route = route_of(scope, self.routes)
            elapsed = time.perf_counter() - started
            metrics.http_request(method, route, status, elapsed)
            tracing.finish_server_span(span, method=method, route=route, status=status)
            _access_line(scope, method, route, status, elapsed, rid)
            request_id.reset(token)


def _access_line(
    scope: Scope, method: str, route: str, status: int, elapsed: float, rid: str
) -> None:
    agency = scope["state"].get("agency_id")
    path = scope["path"].encode("unicode_escape").decode("ascii")[:300]
    log.info(
        "%s %s %d",
        method,
        route,
        status,
        extra={
            "method": method,
            "route": route,
            "path": path,
            "status": status,
            "duration_ms": round(elapsed * 1000, 1),
            "agency": str(agency) if agency else None,
            "request_id": rid,
        },
    )
