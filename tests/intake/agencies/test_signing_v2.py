"""Signature v2 covers the whole request, and a nonce is never accepted twice, even at the very
edge of the acceptance window (where the v1 replay record had already expired)."""

import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from services.intake import orm
from services.intake.agencies.signing import NONCE_MARGIN_SECONDS
from tests.intake.agencies.builders import (
    admin_headers,
    create_agency,
    issue_key,
    referral_bytes,
    rows,
)
from tests.intake.agencies.builders import signed as sign_headers
from tests.intake.builders import intake_app, intake_settings
from tests.support.http import serve
from tests.support.rollback import RolledBack

WINDOW = 300


class Signer:
    def __init__(self, client: httpx.AsyncClient, secret: str, key: str, agency_id: str) -> None:
        self.client, self.secret, self.key, self.agency_id = client, secret, key, agency_id

    def headers(self, body: bytes = b"", **kw: object) -> dict[str, str]:
        return sign_headers(self.secret, body, key=self.key, **kw)  # type: ignore[arg-type]


@pytest.fixture
async def signer(db: RolledBack) -> AsyncIterator[Signer]:
    async with serve(intake_app(db, signature_window_seconds=WINDOW)) as client:
        admin = admin_headers(intake_settings(db))
        created = await create_agency(client, admin, require_signature=True)
        key = await issue_key(client, admin, created["id"])
        yield Signer(client, created["signing_secret"], key, created["id"])


async def _edge_of_window(signer: Signer, body: bytes) -> tuple[dict[str, str], httpx.Response]:
    """A request signed exactly WINDOW seconds ago, accepted once; a second tick between
    signing and arrival would make it stale, so it is signed again (bounded)."""
    for _ in range(5):
        headers = signer.headers(body, timestamp=int(time.time()) - WINDOW)
        first = await signer.client.post("/v1/referrals", content=body, headers=headers)
        if first.status_code != 401:
            return headers, first
    raise AssertionError(first.text)


class TestReplay:
    async def test_a_signature_at_the_window_edge_is_accepted_once(self, signer: Signer) -> None:
        body = referral_bytes()
        headers, first = await _edge_of_window(signer, body)
        again = [
            (await signer.client.post("/v1/referrals", content=body, headers=headers)).status_code
            for _ in range(2)
        ]
        assert first.status_code == 201, first.text
        assert again == [401, 401]

    async def test_the_nonce_is_kept_past_the_window_by_a_margin(
        self, signer: Signer, db: RolledBack
    ) -> None:
        body = referral_bytes()
        headers = signer.headers(body)
        assert (
            await signer.client.post("/v1/referrals", content=body, headers=headers)
        ).status_code == 201
        n = orm.request_nonces
        query = select(n.c.expires_at).where(n.c.nonce == headers["X-Guantong-Nonce"])
        [(expires_at,)] = await rows(db, query)
        signed_at = int(headers["X-Guantong-Timestamp"])
        assert expires_at.timestamp() >= signed_at + WINDOW + NONCE_MARGIN_SECONDS


class TestCoverage:
    async def test_two_bodyless_gets_in_one_second_both_pass(self, signer: Signer) -> None:
        now = int(time.time())
        path = f"/v1/referrals/{uuid.uuid4()}"
        answers = [
            await signer.client.get(
                path, headers=signer.headers(method="GET", path=path, timestamp=now)
            )
            for _ in range(2)
        ]
        assert [a.status_code for a in answers] == [404, 404]  # authenticated, nothing there

    async def test_a_captured_signature_cannot_be_aimed_at_another_path(
        self, signer: Signer
    ) -> None:
        signed_for = f"/v1/referrals/{uuid.uuid4()}"
        headers = signer.headers(method="GET", path=signed_for)
        response = await signer.client.get(f"/v1/referrals/{uuid.uuid4()}", headers=headers)
        assert response.status_code == 401

    async def test_the_query_is_covered_in_any_order(self, signer: Signer) -> None:
        query = "limit=5&status=received"
        headers = signer.headers(method="GET", path="/v1/referrals", query=query)
        reordered = await signer.client.get(
            "/v1/referrals?status=received&limit=5", headers=headers
        )
        changed = await signer.client.get(
            "/v1/referrals?status=received&limit=6",
            headers=signer.headers(method="GET", path="/v1/referrals", query=query),
        )
        assert (reordered.status_code, changed.status_code) == (200, 401)

    async def test_the_idempotency_key_and_method_are_covered(self, signer: Signer) -> None:
        body = referral_bytes()
        other_key = signer.headers(body)
        other_key["Idempotency-Key"] = str(uuid.uuid4())
        as_put = signer.headers(body, method="PUT")
        responses = [
            await signer.client.post("/v1/referrals", content=body, headers=h)
            for h in (other_key, as_put)
        ]
        assert [r.status_code for r in responses] == [401, 401]

    async def test_a_missing_nonce_is_401(self, signer: Signer) -> None:
        body = referral_bytes()
        headers = signer.headers(body)
        del headers["X-Guantong-Nonce"]
        response = await signer.client.post("/v1/referrals", content=body, headers=headers)
        assert response.status_code == 401
        assert "X-Guantong-Nonce" in response.json()["detail"]
