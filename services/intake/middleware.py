"""Intake's ASGI middleware: a body size cap in front of the app (uploads held to the
attachment cap instead). The access line is every service's (shared/observability/http.py)."""

import re

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
