"""Signed requests, the per-agency rate limit and the body size limit, through real HTTP."""

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import orm
from services.intake.agencies.repository import AgencyRepository
from shared.clock import utcnow
from shared.rate_limits import LocalBudgets
from tests.intake.agencies.builders import (
    admin_headers,
    create_agency,
    issue_key,
    probe,
    referral_bytes,
    signed,
    submit,
)
from tests.intake.builders import intake_app, intake_settings
from tests.support.http import serve
from tests.support.rollback import RolledBack


class SigningAgency:
    def __init__(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        self.client, self.admin = client, admin
        self.id, self.key, self.secret = "", "", ""

    async def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return await self.client.post("/v1/referrals", content=body, headers=headers)


@pytest.fixture
async def agency(db: RolledBack) -> AsyncIterator[SigningAgency]:
    async with serve(intake_app(db)) as client:
        signer = SigningAgency(client, admin_headers(intake_settings(db)))
        created = await create_agency(client, signer.admin, require_signature=True)
        signer.id, signer.secret = created["id"], created["signing_secret"]
        signer.key = await issue_key(client, signer.admin, signer.id)
        yield signer


class TestSignedRequests:
    async def test_a_valid_signature_is_accepted(self, agency: SigningAgency) -> None:
        body = referral_bytes()
        response = await agency.post(body, signed(agency.secret, body, key=agency.key))
        assert response.status_code == 201, response.text

    async def test_a_missing_signature_is_401(self, agency: SigningAgency) -> None:
        response = await submit(agency.client, agency.key)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert "X-Guantong-Signature" in response.json()["detail"]

    async def test_a_tampered_body_is_401(self, agency: SigningAgency) -> None:
        headers = signed(agency.secret, referral_bytes(), key=agency.key)
        response = await agency.post(referral_bytes(amount="9999999.00"), headers)
        assert response.status_code == 401

    async def test_another_secret_is_401(self, agency: SigningAgency) -> None:
        body = referral_bytes()
        response = await agency.post(body, signed("gts_not-the-secret", body, key=agency.key))
        assert response.status_code == 401

    async def test_a_stale_timestamp_is_401(self, agency: SigningAgency) -> None:
        body = referral_bytes()
        old = int(time.time()) - 301
        response = await agency.post(
            body, signed(agency.secret, body, timestamp=old, key=agency.key)
        )
        assert response.status_code == 401

    async def test_a_malformed_timestamp_is_401(self, agency: SigningAgency) -> None:
        body = referral_bytes()
        headers = signed(agency.secret, body, key=agency.key)
        headers["X-Guantong-Timestamp"] = "yesterday"
        assert (await agency.post(body, headers)).status_code == 401

    async def test_a_replayed_signature_is_401(self, agency: SigningAgency) -> None:
        body = referral_bytes()
        headers = signed(agency.secret, body, key=agency.key)
        first = await agency.post(body, headers)
        again = await agency.post(body, headers)
        assert first.status_code == 201
        assert again.status_code == 401
        assert "already used" in again.json()["detail"]

    async def test_a_rotated_secret_replaces_the_old_one(self, agency: SigningAgency) -> None:
        rotated = await agency.client.post(
            f"/v1/admin/agencies/{agency.id}/signing/rotate", headers=agency.admin
        )
        new_secret = rotated.json()["signing_secret"]
        body = referral_bytes()
        old = await agency.post(body, signed(agency.secret, body, key=agency.key))
        new = await agency.post(body, signed(new_secret, body, key=agency.key))
        assert new_secret != agency.secret
        assert old.status_code == 401
        assert new.status_code == 201

    async def test_relaxing_the_requirement_accepts_unsigned_requests(
        self, agency: SigningAgency
    ) -> None:
        relaxed = await agency.client.put(
            f"/v1/admin/agencies/{agency.id}/signing",
            json={"required": False},
            headers=agency.admin,
        )
        response = await submit(agency.client, agency.key)
        assert relaxed.json() == {
            "agency_id": agency.id,
            "require_signature": False,
            "signing_secret": None,
        }
        assert response.status_code == 201


async def _remember(
    session: AsyncSession, agency_id: uuid.UUID, nonce: str, expires_at: int
) -> bool:
    until = datetime.fromtimestamp(expires_at, UTC)
    repository = AgencyRepository(session)
    return await repository.remember_nonce(
        agency_id=agency_id, nonce=nonce, expires_at=until, now=utcnow()
    )


class TestReplayMemory:
    async def test_expired_nonces_are_pruned_and_a_live_one_refused(
        self, db: RolledBack, agency: SigningAgency
    ) -> None:
        sessions = db.sessions
        agency_id, now = uuid.UUID(agency.id), int(time.time())
        async with sessions.begin() as session:
            assert await _remember(session, agency_id, "a" * 64, expires_at=now - 1)
            assert await _remember(session, agency_id, "b" * 64, expires_at=now + 60)
        async with sessions.begin() as session:
            assert not await _remember(session, agency_id, "b" * 64, expires_at=now)
        async with sessions() as session:
            s = orm.request_nonces
            query = select(s.c.nonce).where(s.c.agency_id == agency_id)
            kept = set((await session.execute(query)).scalars())
        assert kept == {"b" * 64}


class TestRateLimit:
    async def test_past_the_burst_is_429_with_retry_after(self, db: RolledBack) -> None:
        app = intake_app(db, rate_limit_burst=3, rate_limit_per_second=0.01)
        async with serve(app) as client:
            admin = admin_headers(intake_settings(db))
            busy = await issue_key(client, admin, (await create_agency(client, admin))["id"])
            calm = await issue_key(client, admin, (await create_agency(client, admin))["id"])
            within = [await probe(client, busy) for _ in range(3)]
            limited = await client.get(f"/v1/referrals/{uuid.uuid4()}", headers={"X-API-Key": busy})
            other = await probe(client, calm)
        assert within == [404, 404, 404]
        assert limited.status_code == 429
        assert limited.headers["content-type"] == "application/problem+json"
        assert int(limited.headers["retry-after"]) >= 1
        assert other == 404

    async def test_the_bucket_refills_at_the_configured_rate(self) -> None:
        now = [1000.0]
        budgets = LocalBudgets(per_second=2.0, burst=2, clock=lambda: now[0])
        agency = str(uuid.uuid4())
        assert [await budgets.take(agency) for _ in range(2)] == [0.0, 0.0]
        assert await budgets.take(agency) == pytest.approx(0.5)
        now[0] += 0.5
        assert await budgets.take(agency) == 0.0


class TestBodySize:
    async def test_a_declared_oversized_body_is_413_before_authentication(
        self, db: RolledBack
    ) -> None:
        body = referral_bytes(facts="据查" * 2000)
        async with serve(intake_app(db, max_body_bytes=4096)) as client:
            response = await client.post(
                "/v1/referrals",
                content=body,
                headers={"Content-Type": "application/json", "Idempotency-Key": "k"},
            )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/body-too-large")

    async def test_a_chunked_oversized_body_is_413(self, db: RolledBack) -> None:
        settings = intake_settings(db)
        body = referral_bytes(facts="据查" * 2000)

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 1000):
                yield body[start : start + 1000]

        async with serve(intake_app(db, max_body_bytes=4096)) as client:
            admin = admin_headers(settings)
            key = await issue_key(client, admin, (await create_agency(client, admin))["id"])
            request = client.build_request(
                "POST",
                "/v1/referrals",
                content=chunks(),
                headers={
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(uuid.uuid4()),
                },
            )
            assert "content-length" not in request.headers
            response = await client.send(request)
        assert response.status_code == 413
        assert response.json()["type"].endswith("/body-too-large")

    async def test_a_body_within_the_limit_passes(self, db: RolledBack) -> None:
        settings = intake_settings(db)
        async with serve(intake_app(db, max_body_bytes=len(referral_bytes()) + 10)) as client:
            admin = admin_headers(settings)
            key = await issue_key(client, admin, (await create_agency(client, admin))["id"])
            response = await submit(client, key)
        assert response.status_code == 201, response.text
