"""Request heads are capped by the server itself (a real uvicorn process: ASGI tests never see
what the server buffers): 431, memory bounded, the process keeps serving."""

import socket
from collections.abc import Iterator

import httpx
import pytest

from shared.http_limits import MAX_HEAD_BYTES
from tests.security.processes import api_process
from tests.support.databases import DatabaseFactory


@pytest.fixture(scope="module", params=["intake", "routing", "casework"])
def server(
    request: pytest.FixtureRequest,
    databases: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    service = str(request.param)
    log = tmp_path_factory.mktemp("head-limit") / f"{service}.log"
    with api_process(service, databases.url("sqlite", service), log) as url:
        yield url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def send_head(url: str, header_bytes: int, *, chunk: int = 64 * 1024, finish: bool = True) -> bytes:
    """GET /healthz with one header of `header_bytes`; returns what the server answered before
    it closed the connection. Unfinished, the head never ends: only a server that counts the
    head while it arrives can answer at all."""
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=20) as sock:
        sent = 0
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n")
            sock.sendall(b"X-Padding: ")
            while sent < header_bytes:
                sock.sendall(b"a" * min(chunk, header_bytes - sent))
                sent += chunk
            if finish:
                sock.sendall(b"\r\n\r\n")
        except OSError:
            pass  # the server may close while we are still sending; its answer was sent first
        answer = b""
        try:
            while part := sock.recv(65536):
                answer += part
        except OSError:
            pass
        return answer


class TestHeadLimit:
    def test_a_head_past_the_cap_is_431(self, server: str) -> None:
        answer = send_head(server, MAX_HEAD_BYTES + 1024)
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
        assert b"application/problem+json" in answer

    def test_a_head_is_refused_while_it_arrives_not_after_it_was_buffered(
        self, server: str
    ) -> None:
        answer = send_head(server, 4 * MAX_HEAD_BYTES, finish=False)
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]

    def test_an_eight_mebibyte_header_is_refused_and_the_server_still_serves(
        self, server: str
    ) -> None:
        answer = send_head(server, 8 * 1024 * 1024)
        healthy = httpx.get(f"{server}/healthz", timeout=10, trust_env=False)
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
        assert healthy.status_code == 200

    def test_a_head_within_the_cap_is_served(self, server: str) -> None:
        answer = send_head(server, MAX_HEAD_BYTES // 2)
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
