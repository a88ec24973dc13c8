"""Builders for the agency admin tests: admin tokens, fresh credit codes, signed requests."""

import json
import secrets
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import Executable, select

from services.intake import orm
from services.intake.agencies.signing import canonical_request, sign_request
from services.intake.settings import Settings
from shared.credit_code import credit_code_with_check as uscc_with_check
from tests.intake.builders import Database, referral, sessions_of
from tests.support.tokens import bearer


def new_credit_code() -> str:
    return uscc_with_check(f"11365000MD{uuid.uuid4().int % 10**7:07d}")


def admin_headers(
    settings: Settings, *, user: str = "admin-wang", roles: tuple[str, ...] = ("intake_admin",)
) -> dict[str, str]:
    return bearer("intake", settings, user=user, roles=roles)


async def create_agency(
    client: httpx.AsyncClient, admin: dict[str, str], **changes: Any
) -> dict[str, Any]:
    body = {"name": "测试财政局", "credit_code": new_credit_code(), "kind": "finance_supervision"}
    body.update(changes)
    response = await client.post("/v1/admin/agencies", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def issue_key(client: httpx.AsyncClient, admin: dict[str, str], agency_id: str) -> str:
    response = await client.post(
        f"/v1/admin/agencies/{agency_id}/keys", json={"label": "test"}, headers=admin
    )
    assert response.status_code == 201, response.text
    return str(response.json()["api_key"])


async def probe(client: httpx.AsyncClient, key: str) -> int:
    """401 when the key is refused; 404 (an unknown referral) when it authenticates."""
    response = await client.get(f"/v1/referrals/{uuid.uuid4()}", headers={"X-API-Key": key})
    return response.status_code


async def submit(client: httpx.AsyncClient, key: str, **extra_headers: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())}
    headers.update(extra_headers)
    return await client.post("/v1/referrals", json=referral(), headers=headers)


def signed(
    secret: str,
    body: bytes,
    *,
    key: str,
    timestamp: int | None = None,
    method: str = "POST",
    path: str = "/v1/referrals",
    query: str = "",
    nonce: str | None = None,
    idempotency_key: str | None = None,
) -> dict[str, str]:
    """Headers of a request signed as an agency signs it (scheme v2)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(16)
    idempotency_key = str(uuid.uuid4()) if idempotency_key is None else idempotency_key
    canonical = canonical_request(
        method=method,
        path=path,
        query=query,
        timestamp=ts,
        nonce=nonce,
        idempotency_key=idempotency_key,
        body=body,
    )
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "X-Guantong-Timestamp": ts,
        "X-Guantong-Nonce": nonce,
        "X-Guantong-Signature": sign_request(secret, canonical),
    }
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def referral_bytes(**changes: Any) -> bytes:
    return json.dumps(referral(**changes), ensure_ascii=False).encode()


async def audit_rows(db: Database, agency_id: str) -> list[Any]:
    return await audit_entries(db, f"agency:{agency_id}")


async def audit_entries(db: Database, target: str) -> list[Any]:
    a = orm.audit_log
    query = select(a).where(a.c.target == target).order_by(a.c.id)
    return await rows(db, query)


async def rows(db: Database, query: Executable) -> list[Any]:
    """What a query reads, on the test's connection or on one of its own."""
    async with sessions_of(db) as sessions, sessions() as session:
        return list((await session.execute(query)).all())
