"""What an agency and a caseworker do against the running system, over real HTTP."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from deploy.demo import Credentials, Person, referral
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


class CaseworkApp:
    """A body's internal app acting on one assignment: read it, act with its ETag."""

    def __init__(self, system: System, token: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=system.url("casework"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=30.0,
            trust_env=False,
        )

    async def assignment(self, assignment_id: str) -> httpx.Response:
        return await self._client.get(f"/v1/assignments/{assignment_id}")

    async def act(self, assignment_id: str, action: str, **fields: Any) -> httpx.Response:
        current = await self.assignment(assignment_id)
        assert current.status_code == 200, current.text
        headers = {"If-Match": current.headers["ETag"]}
        body = {"action": action, **fields}
        return await self._client.post(
            f"/v1/assignments/{assignment_id}/actions", json=body, headers=headers
        )

    async def aclose(self) -> None:
        await self._client.aclose()


class CaseManagementOffice:
    """The case-management office (案管) at routing."""

    def __init__(self, system: System, token: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=system.url("routing"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=30.0,
            trust_env=False,
        )

    async def clue(self, clue_id: str) -> dict[str, Any]:
        response = await self._client.get(f"/v1/clues/{clue_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def review_queue(self) -> list[dict[str, Any]]:
        response = await self._client.get("/v1/review-queue", params={"limit": 100})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def decide(self, clue_id: str, *, lead_body_id: str, reason: str) -> httpx.Response:
        body = {"lead_body_id": lead_body_id, "co_body_ids": [], "reason": reason}
        return await self._client.post(f"/v1/clues/{clue_id}/decisions", json=body)

    async def aclose(self) -> None:
        await self._client.aclose()


def staff(credentials: Credentials, body_name: str, role: str) -> Person:
    """A demo supervisor or auditor of a body (casework's tokens)."""
    for person in credentials.casework_staff:
        if person.body_name == body_name and role in person.roles:
            return person
    raise KeyError((body_name, role))


async def assignment_of(inbox: Caseworker, clue_id: str, what: str) -> dict[str, Any]:
    found = await poll(inbox.inbox, lambda items: any(i["clue_id"] == clue_id for i in items), what)
    [item] = [i for i in found if i["clue_id"] == clue_id]
    return item
