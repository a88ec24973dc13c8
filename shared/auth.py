"""Staff JWTs with one audience per service (agency API keys are intake's: agencies/domain.py).

Locally a service verifies HS256 tokens under a secret only it holds; in production it verifies
RS256 tokens of the identity provider with the keys published at its JWKS URL. Either way the
audience, issuer, algorithm and every time claim are checked, and each token carries a `jti`
that the service's deny-list can revoke.
"""

import asyncio
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import jwt

from shared.settings import ServiceSettings

LOCAL_ALGORITHM = "HS256"
JWKS_ALGORITHMS = ("RS256",)
REQUIRED_CLAIMS = ("exp", "iat", "nbf", "jti", "iss", "aud", "sub")
DEFAULT_TTL_SECONDS = 8 * 3600
# Clocks of the issuer and of this host may differ a little; never by minutes.
LEEWAY_SECONDS = 10
AUDIENCES = {
    "intake": "guantong-intake",
    "routing": "guantong-routing",
    "casework": "guantong-casework",
}


@dataclass(frozen=True)
class Principal:
    """A person from an internal app: who, which body, which roles, and the bodies they serve."""

    user_id: str
    body_id: UUID | None
    roles: frozenset[str]
    name: str = ""
    bodies: frozenset[UUID] = frozenset()
    token_id: str = ""
    expires_at: int = 0

    def has(self, role: str) -> bool:
        return role in self.roles

    def serves(self, body_id: UUID | None) -> bool:
        return body_id is not None and (body_id == self.body_id or body_id in self.bodies)


def issue_token(
    secret: str,
    *,
    audience: str,
    user_id: str,
    body_id: UUID | None,
    roles: Iterable[str],
    name: str = "",
    bodies: Iterable[UUID] = (),
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    issuer: str = "guantong",
) -> str:
    """A locally signed (HS256) token for one service; production tokens come from the IdP."""
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": user_id,
        "jti": secrets.token_hex(16),  # hex: never a leading "-" the CLI would read as an option
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "body": str(body_id) if body_id else None,
        "bodies": [str(b) for b in bodies],
        "roles": list(roles),
        "name": name,
    }
    return jwt.encode(claims, secret, algorithm=LOCAL_ALGORITHM)


class InvalidToken(Exception):
    pass


class TokenVerifier:
    """Verifies tokens meant for one service: its audience, its issuer, its keys."""

    def __init__(
        self,
        *,
        audience: str,
        issuer: str,
        secret: str | None = None,
        jwks_url: str | None = None,
    ) -> None:
        if (secret is None) == (jwks_url is None):
            raise ValueError("configure exactly one of an HS256 secret and a JWKS URL")
        self.audience, self.issuer = audience, issuer
        self._secret = secret
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300) if jwks_url else None

    @classmethod
    def for_service(cls, service: str, settings: ServiceSettings) -> "TokenVerifier":
        jwks = settings.jwt_jwks_url
        return cls(
            audience=AUDIENCES[service],
            issuer=settings.jwt_issuer,
            secret=None if jwks else settings.hs256_secret(),
            jwks_url=jwks,
        )

    async def verify(self, token: str) -> Principal:
        try:
            if self._jwks is not None:
                # PyJWKClient fetches with urllib: off the event loop, cached between calls.
                signing = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
                claims = self._decode(token, signing.key, JWKS_ALGORITHMS)
            else:
                claims = self._decode(token, self._secret, (LOCAL_ALGORITHM,))
            return _principal(claims)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken(str(exc)) from exc

    def _decode(self, token: str, key: Any, algorithms: tuple[str, ...]) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=list(algorithms),
            audience=self.audience,
            issuer=self.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS)},
        )
        return claims


def _principal(claims: dict[str, Any]) -> Principal:
    body = claims.get("body")
    return Principal(
        user_id=str(claims["sub"]),
        body_id=UUID(str(body)) if body else None,
        roles=frozenset(str(r) for r in claims.get("roles") or ()),
        name=str(claims.get("name") or ""),
        bodies=frozenset(UUID(str(b)) for b in claims.get("bodies") or ()),
        token_id=str(claims["jti"]),
        expires_at=int(claims["exp"]),
    )
