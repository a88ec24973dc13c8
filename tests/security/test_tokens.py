"""Staff tokens on every service: only this service's audience, issuer, key and algorithm, with
every time claim valid and the jti not revoked; anything else is 401."""

import asyncio
import base64
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import jwt
import pytest

from services.casework import orm as casework_orm
from services.intake import orm as intake_orm
from services.routing import orm as routing_orm
from shared.auth import AUDIENCES
from shared.db import make_engine, make_session_factory
from shared.revocation import revoke
from tests.security.apps import GUARDED, SERVICES, client_for
from tests.security.jwks import SigningKey, jwks_server
from tests.support.databases import DatabaseFactory

REPO = Path(__file__).resolve().parents[2]
DENY_LISTS = {
    "intake": intake_orm.revoked_tokens,
    "routing": routing_orm.revoked_tokens,
    "casework": casework_orm.revoked_tokens,
}


def claims(service: str, **changes: Any) -> dict[str, Any]:
    now, guarded = int(time.time()), GUARDED[service]
    values: dict[str, Any] = {
        "iss": "guantong",
        "aud": AUDIENCES[service],
        "sub": "staff-1",
        "jti": secrets.token_urlsafe(16),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "body": str(guarded.body_id) if guarded.body_id else None,
        "roles": list(guarded.roles),
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not ...}


def unsigned(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def refused_variants(service: str, secret: str) -> dict[str, str]:
    other = next(s for s in SERVICES if s != service)
    now = int(time.time())

    def hs(**changes: Any) -> str:
        return jwt.encode(claims(service, **changes), secret, algorithm="HS256")

    return {
        "expired": hs(iat=now - 7200, nbf=now - 7200, exp=now - 3600),
        "not yet valid": hs(nbf=now + 3600, exp=now + 7200),
        "wrong audience": hs(aud=AUDIENCES[other]),
        "wrong issuer": hs(iss="https://someone-else.example"),
        "alg none": unsigned(claims(service)),
        "wrongly signed": jwt.encode(claims(service), "x" * 40, algorithm="HS256"),
        "no jti": hs(jti=...),
        "no exp": hs(exp=...),
        "HS512 (not allowed)": jwt.encode(claims(service), secret, algorithm="HS512"),
    }


@pytest.mark.parametrize("service", SERVICES)
class TestEveryService:
    async def test_a_valid_token_opens_the_route(
        self, service: str, databases: DatabaseFactory, backend: str
    ) -> None:
        async with client_for(service, databases, backend) as (client, settings):
            token = jwt.encode(claims(service), settings.hs256_secret(), algorithm="HS256")
            response = await client.get(GUARDED[service].path, headers=_bearer(token))
        assert response.status_code == 200, response.text

    @pytest.mark.filterwarnings("ignore:The HMAC key")
    async def test_every_broken_token_is_401(
        self, service: str, databases: DatabaseFactory, backend: str
    ) -> None:
        async with client_for(service, databases, backend) as (client, settings):
            secret = settings.hs256_secret()
            tokens = {"valid": jwt.encode(claims(service), secret, algorithm="HS256")}
            tokens.update(refused_variants(service, secret))
            statuses = {
                case: (await client.get(GUARDED[service].path, headers=_bearer(token))).status_code
                for case, token in tokens.items()
            }
        assert statuses == {case: 200 if case == "valid" else 401 for case in tokens}

    async def test_another_services_key_mints_nothing_here(
        self, service: str, databases: DatabaseFactory, backend: str
    ) -> None:
        other = next(s for s in SERVICES if s != service)
        async with (
            client_for(other, databases, backend) as (_, other_settings),
            client_for(service, databases, backend) as (client, own),
        ):
            forged = jwt.encode(claims(service), other_settings.hs256_secret(), algorithm="HS256")
            genuine = jwt.encode(claims(service), own.hs256_secret(), algorithm="HS256")
            answers = [
                (await client.get(GUARDED[service].path, headers=_bearer(t))).status_code
                for t in (genuine, forged)
            ]
        assert answers == [200, 401]

    async def test_a_revoked_jti_is_401(
        self, service: str, databases: DatabaseFactory, backend: str
    ) -> None:
        revoked = claims(service)
        async with client_for(service, databases, backend) as (client, settings):
            token = jwt.encode(revoked, settings.hs256_secret(), algorithm="HS256")
            before = await client.get(GUARDED[service].path, headers=_bearer(token))
            engine = make_engine(settings.database_url)
            table = DENY_LISTS[service]
            try:
                async with make_session_factory(engine).begin() as session:
                    await revoke(session, table, jti=revoked["jti"], expires_at=None, actor="t")
            finally:
                await engine.dispose()
            after = await client.get(GUARDED[service].path, headers=_bearer(token))
        assert (before.status_code, after.status_code) == (200, 401)


class TestIntakeRevocationCli:
    async def test_the_cli_revokes_a_token(self, databases: DatabaseFactory, backend: str) -> None:
        async with client_for("intake", databases, backend) as (client, settings):
            token_claims = claims("intake")
            token = jwt.encode(token_claims, settings.hs256_secret(), algorithm="HS256")
            env = {**os.environ, "INTAKE_DATABASE_URL": settings.database_url}
            done = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "services.intake", "token", "revoke", token_claims["jti"]],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            after = await client.get("/v1/admin/agencies", headers=_bearer(token))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["revoked"] is True
        assert after.status_code == 401


class TestJwks:
    """Production: RS256 tokens of the identity provider, keys from its JWKS URL."""

    ISSUER = "https://idp.example.gov.cn/realms/guantong"

    async def test_a_token_signed_with_a_published_key_is_accepted_another_is_not(
        self, databases: DatabaseFactory
    ) -> None:
        published, unpublished = SigningKey("k1"), SigningKey("k1")
        with jwks_server(published) as url:
            settings = {"jwt_jwks_url": url, "jwt_issuer": self.ISSUER}
            async with client_for("intake", databases, "sqlite", **settings) as (client, s):
                good = published.sign(claims("intake", iss=self.ISSUER))
                forged = unpublished.sign(claims("intake", iss=self.ISSUER))
                unknown_kid = published.sign(claims("intake", iss=self.ISSUER), kid="k9")
                wrong_issuer = published.sign(claims("intake"))
                answers = [
                    (await client.get("/v1/admin/agencies", headers=_bearer(t))).status_code
                    for t in (good, forged, unknown_kid, wrong_issuer)
                ]
        assert s.jwt_secret is None  # no HS256 key exists to confuse with the IdP's
        assert answers == [200, 401, 401, 401]

    async def test_an_hs256_token_is_refused_when_keys_come_from_jwks(
        self, databases: DatabaseFactory
    ) -> None:
        key = SigningKey("k1")
        with jwks_server(key) as url:
            settings = {"jwt_jwks_url": url, "jwt_issuer": self.ISSUER}
            async with client_for("intake", databases, "sqlite", **settings) as (client, _):
                # The classic confusion: the IdP's public key material used as an HMAC secret.
                public_modulus = key.jwk()["n"]
                confused = jwt.encode(
                    claims("intake", iss=self.ISSUER), public_modulus, algorithm="HS256"
                )
                response = await client.get(
                    "/v1/admin/agencies",
                    headers=_bearer(confused) | {"X-Request-Id": str(uuid4())},
                )
        assert response.status_code == 401


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
