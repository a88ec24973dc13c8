"""A minimal HTTP/1.1 keep-alive client for the load generator, on plain asyncio streams.

Measured here: httpx topped out near 350 requests/s against /healthz while the services answered
over 13,000/s to this client, so with httpx the bench measured the client. Loopback only;
responses must carry Content-Length (uvicorn's JSON responses do).
"""

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class HttpError(Exception):
    pass


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, *, headers: dict[str, str], body: bytes = b""
    ) -> Response:
        try:
            return await self._exchange(method, path, headers, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            raise HttpError(f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self._host}:{self._port}",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        received = {}
        for line in header_lines:
            name, sep, value = line.partition(":")
            if sep:
                received[name.strip().lower()] = value.strip()
        if "content-length" not in received:
            raise ValueError("response without Content-Length")
        payload = await self._reader.readexactly(int(received["content-length"]))
        if received.get("connection", "").lower() == "close":
            await self.close()
        return Response(int(status_line.split(" ", 2)[1]), received, payload)

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
