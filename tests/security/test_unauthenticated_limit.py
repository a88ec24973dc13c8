"""Guessing credentials is limited per client address: past the allowance the answer is 429
before the body is parsed or the database asked, and an unknown key costs one lookup at most."""

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from tests.intake.builders import auth, intake_app, new_agency
from tests.support.databases import DatabaseFactory


def random_key() -> str:
    return f"gt_{secrets.token_hex(6)}_{secrets.token_urlsafe(16)}"


@asynccontextmanager
async def from_address(app: FastAPI, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@contextmanager
def counting_statements(app: FastAPI) -> Iterator[list[str]]:
    """Every SQL statement the app sends, observed on its real engine."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = app.state.services.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


class TestFailedAuthentication:
    async def test_past_the_allowance_an_address_gets_429_without_touching_the_database(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        url = databases.url(backend, "intake")
        _, good_key = await new_agency(url)
        app = intake_app(url, failed_auth_burst=3, failed_auth_per_second=0.001)
        async with app.router.lifespan_context(app), from_address(app, "192.0.2.7") as guesser:
            guesses = [
                (await guesser.get("/v1/referrals", headers=auth(random_key()))).status_code
                for _ in range(3)
            ]
            with counting_statements(app) as statements:
                limited = await guesser.post(
                    "/v1/referrals",
                    content=b"{not json",
                    headers={**auth(random_key()), "Content-Type": "application/json"},
                )
            async with from_address(app, "198.51.100.9") as other:
                elsewhere = await other.get(f"/v1/referrals/{uuid.uuid4()}", headers=auth(good_key))
        assert guesses == [401, 401, 401]
        assert limited.status_code == 429  # not 400/422: the body was never parsed
        assert limited.headers["content-type"] == "application/problem+json"
        assert int(limited.headers["retry-after"]) >= 1
        assert statements == []
        assert elsewhere.status_code == 404  # another address, a real key: served

    async def test_an_unknown_key_costs_one_lookup_however_often_it_is_tried(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        app = intake_app(databases.url(backend, "intake"))
        key = random_key()
        async with app.router.lifespan_context(app), from_address(app, "192.0.2.8") as client:
            with counting_statements(app) as first:
                await client.get("/v1/referrals", headers=auth(key))
            with counting_statements(app) as again:
                answers = [
                    (await client.get("/v1/referrals", headers=auth(key))).status_code
                    for _ in range(5)
                ]
        assert [q for q in first if q.startswith("SELECT")] != []
        assert again == []
        assert answers == [401] * 5
