"""The Redis server of this machine (127.0.0.1:6379, or GUANTONG_TEST_REDIS) for the shared
rate limits. Each run uses a key prefix of its own and deletes nothing: keys expire."""

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("GUANTONG_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _answers(REDIS_URL):
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable; CI requires it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def redis_prefix() -> str:
    return f"gt-test-{uuid.uuid4().hex}"
