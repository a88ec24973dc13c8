"""The HTTP client of the delivery worker: no redirects, bounded time, vetted addresses only.

httpcore (the engine under httpx) lets us own name resolution: the worker resolves the host
itself, refuses non-public addresses and connects to exactly the address it checked, so DNS
rebinding between a check and the connect cannot reach an internal service. TLS still verifies
the certificate against the host name. httpcore never follows redirects, so none are followed.
"""

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore

from services.intake.errors import UnsafeUrl
from services.intake.webhooks.urls import public_addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, *, allow_private: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self._allow_private:
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        last_error: Exception = UnsafeUrl(f"no address for {host!r}")
        for address in await public_addresses(host, port):
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeUrl("unix sockets are not webhook destinations")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Sent:
    status_code: int | None
    error: str | None


class WebhookClient:
    def __init__(self, *, allow_private: bool, timeout_seconds: float) -> None:
        self._timeout = timeout_seconds
        self._pool = httpcore.AsyncConnectionPool(
            network_backend=GuardedBackend(allow_private=allow_private),
            max_connections=50,
            keepalive_expiry=30.0,
            retries=0,
        )

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> Sent:
        timeouts = {key: self._timeout for key in ("connect", "read", "write", "pool")}
        try:
            # The per-phase timeouts bound each read; this bounds a receiver that drips bytes.
            async with asyncio.timeout(self._timeout * 2):
                async with self._pool.stream(
                    "POST",
                    url,
                    headers=list(headers.items()),
                    content=body,
                    extensions={"timeout": timeouts},
                ) as response:
                    return Sent(response.status, None)  # the body is never read: not needed
        except UnsafeUrl as exc:
            return Sent(None, f"refused: {exc}")
        except TimeoutError:
            return Sent(None, "timed out")
        except (
            httpcore.TimeoutException,
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.UnsupportedProtocol,
        ) as exc:
            return Sent(None, f"{type(exc).__name__}: {exc}"[:500])

    async def aclose(self) -> None:
        await self._pool.aclose()
