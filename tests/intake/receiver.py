"""A real HTTP/1.1 server on a free loopback port, standing in for an agency's callback."""

import asyncio
import contextlib
import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Answers its own path with the scripted status codes (then 200); other paths get 410, so
    a retry left over from another test that lands on a reused port is never counted here."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[Received] = []
        self.path = f"/hooks/{uuid.uuid4().hex}"
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}{self.path}"

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):  # keep-alive connections would hold the server open
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while request_line := await reader.readline():
                headers = await _headers(reader)
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                status = self._answer(request_line, headers, body)
                writer.write(f"HTTP/1.1 {status} Scripted\r\nContent-Length: 0\r\n\r\n".encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def _answer(self, request_line: bytes, headers: dict[str, str], body: bytes) -> int:
        method, path, _ = request_line.decode().split(" ", 2)
        if method != "POST" or path != self.path:
            return 410
        self.requests.append(Received(headers, body))
        return self.statuses.pop(0) if self.statuses else 200


async def _headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


async def eventually(
    condition: Callable[[], bool | Awaitable[bool]], *, within: float = 30.0
) -> None:
    """Waits for what the worker does in the background; the bound only prevents a hang."""

    async def holds() -> bool:
        result = condition()
        return await result if inspect.isawaitable(result) else result

    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(within):
            while True:
                if await holds():
                    return
                await asyncio.sleep(0.02)
    assert await holds(), "the expected background effect did not happen"
