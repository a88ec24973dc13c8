"""uvicorn's httptools protocol with a cap on the request head (request line and headers).

httptools keeps a request's head in memory until it is complete and uvicorn sets no limit, so
one client could grow a worker by a 100 MiB header and stall it while it is parsed. This
protocol counts the head's bytes as they arrive and answers 431 past the cap, then reads and
discards what the client still sends for a moment before closing, so the client reads the
answer instead of a connection reset. Run uvicorn with `http=PROTOCOL`.
"""

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from shared.http_limits import MAX_HEAD_BYTES
from shared.observability.exposition import api_metrics
from shared.observability.logs import configure as configure_logging
from shared.observability.logs import logging_config
from shared.settings import ServiceSettings

PROTOCOL = "shared.http_server:HeadLimitedProtocol"
LINGER_SECONDS = 2.0
_END_OF_HEAD = b"\r\n\r\n"


def _refusal() -> bytes:
    body = json.dumps(
        {
            "type": "https://guantong.example/problems/headers-too-large",
            "title": "Request header fields too large",
            "status": 431,
            "detail": f"the request line and headers exceed {MAX_HEAD_BYTES} bytes",
        }
    ).encode()
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + body


class HeadLimitedProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._in_head, self._head_bytes, self._tail = True, 0, b""
        self._refused = False
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # discarded while lingering
        if self._in_head:
            window = self._tail + data
            end = window.find(_END_OF_HEAD)
            self._head_bytes += len(data) if end < 0 else max(0, end + 4 - len(self._tail))
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse()
                return
            self._tail = window[-3:]
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes, self._tail = True, 0, b""

    def eof_received(self) -> None:
        if self._refused:
            self.transport.close()
            return
        super().eof_received()

    def _refuse(self) -> None:
        self._refused = True
        self.transport.write(_refusal())
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def serve_api(name: str, app: str, settings: ServiceSettings, **options: Any) -> None:
    """`python -m services.<svc> api`: uvicorn with `settings.workers` processes, each
    building its app from the factory `app` ("services.<svc>.app:create_app"), behind the head
    cap above; JSON logs with Guantong's access line instead of uvicorn's; metrics on their own
    port (merged across the workers); on SIGTERM, requests in flight get
    `graceful_shutdown_seconds` to finish."""
    import uvicorn

    host = str(getattr(settings, "host", "127.0.0.1"))
    workers = int(getattr(settings, "workers", 1))
    metrics_port = int(getattr(settings, "metrics_port", 0))
    configure_logging(name, "api")
    with api_metrics(host=host, port=metrics_port, workers=workers):
        uvicorn.run(
            app,
            factory=True,
            host=host,
            port=int(getattr(settings, "port", 8000)),
            workers=workers,
            http=PROTOCOL,
            log_config=logging_config(name, "api"),
            access_log=False,
            timeout_graceful_shutdown=max(1, round(settings.graceful_shutdown_seconds)),
            **options,
        )
