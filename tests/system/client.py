"""What an agency and a caseworker do against the running system, over real HTTP."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from deploy.demo import Credentials, referral
from deploy.system import System

# Liveness bounds for polling, not timing assertions: a healthy system is done long before.
SETTLE_SECONDS = 120.0
T = TypeVar("T")
MAX_PAGES = 1000
MAX_RETRIES = 100


class Agency:
    def __init__(self, system: System, api_key: str, *, timeout: float = 30.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=system.url("intake"),
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
            trust_env=False,
        )

    async def refer(self, **kw: Any) -> dict[str, Any]:
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        response = await self._send("POST", "/v1/referrals", json=referral(**kw), headers=headers)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def referral(self, referral_id: str) -> dict[str, Any]:
        response = await self._send("GET", f"/v1/referrals/{referral_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def _send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """Retries as a 429 says, as a well-behaved agency does (a POST keeps its key)."""
        for _ in range(MAX_RETRIES):
            response = await self._client.request(method, url, **kw)
            if response.status_code != 429:
                return response
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        return response

    async def wait_for_status(self, referral_id: str, status: str) -> dict[str, Any]:
        return await poll(
            lambda: self.referral(referral_id),
            lambda r: r["status"] == status,
            f"referral {referral_id} to become {status}",
        )

    async def aclose(self) -> None:
        await self._client.aclose()


class Caseworker:
    def __init__(self, system: System, token: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=system.url("casework"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=30.0,
            trust_env=False,
        )

    async def inbox(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 100}
        for _ in range(MAX_PAGES):
            response = await self._client.get("/v1/assignments", params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            items.extend(page["items"])
            if not page.get("next_cursor"):
                return items
            params["cursor"] = page["next_cursor"]
        raise AssertionError(f"inbox has more than {MAX_PAGES} pages")

    async def aclose(self) -> None:
        await self._client.aclose()


async def poll(fetch: Callable[[], Awaitable[T]], done: Callable[[T], bool], what: str) -> T:
    deadline = time.monotonic() + SETTLE_SECONDS
    last: T | None = None
    while time.monotonic() < deadline:
        last = await fetch()
        if done(last):
            return last
        await asyncio.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}; last seen: {last}")


async def readiness(system: System, name: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
        answer = await client.get(f"{system.url(name)}/readyz")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def credentials(system: System) -> Credentials:
    assert system.credentials is not None
    return system.credentials
