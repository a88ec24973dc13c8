"""Intake's ASGI middleware: a body size cap in front of the app (uploads held to the
attachment cap instead), and one access log line per request with no personal data."""

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.apidocs.marks import MiddlewareRefusal
from shared.problems import problem_response

CONTENT_PATH = re.compile(r"^/v1/referrals/[^/]+/attachments/[^/]+/content$")


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


class UploadAwareBodyLimit:
    """The request body cap, with content uploads held to the attachment size cap instead."""

    documented_refusals = (MiddlewareRefusal(413, "with-body"),)

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int) -> None:
        self._default = BodySizeLimit(app, max_bytes)
        self._uploads = BodySizeLimit(app, upload_max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and CONTENT_PATH.match(scope.get("path", "")) is not None
        await (self._uploads if upload else self._default)(scope, receive, send)


# Method, path (ids are not personal data; the query string, which may carry names, is left
# out), status, latency, agency, request id.
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
