"""One access log line per request, with no personal data: method, path (ids are not personal
data; the query string, which may carry names, is left out), status, latency, agency, request id.
"""

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("intake.access")
REQUEST_ID_HEADER = b"x-request-id"
# A caller's own id is echoed only when it cannot smuggle anything into the log.
_SAFE_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER and _SAFE_ID.fullmatch(value):
            return str(value.decode("ascii"))
    return uuid.uuid4().hex


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id, started, status = _request_id(scope), time.perf_counter(), 500
        scope.setdefault("state", {})

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            agency = scope["state"].get("agency_id")
            log.info(
                "%s %s %d %.1fms agency=%s request_id=%s",
                scope["method"],
                scope["path"].encode("unicode_escape").decode("ascii")[:300],
                status,
                (time.perf_counter() - started) * 1000,
                agency or "-",
                request_id,
            )
