"""Authentication primitives: agency API keys, caseworker/staff JWTs, HMAC signatures."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

import jwt

JWT_ALGORITHM = "HS256"
JWT_ISSUER = "guantong"


def new_api_key() -> tuple[str, str]:
    """Returns (key_id, plaintext). The key id is public and indexes the stored hash."""
    key_id = secrets.token_hex(6)
    return key_id, f"gt_{key_id}_{secrets.token_urlsafe(32)}"


def split_api_key(plaintext: str) -> str | None:
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != "gt" or len(parts[1]) != 12:
        return None
    return parts[1]


def hash_secret(plaintext: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(plaintext.encode()).hexdigest()


def secret_matches(plaintext: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(plaintext), stored_hash)


@dataclass(frozen=True)
class Principal:
    """A person from an internal app: who, which body, which roles."""

    user_id: str
    body_id: UUID | None
    roles: frozenset[str]
    name: str = ""

    def has(self, role: str) -> bool:
        return role in self.roles


def issue_token(
    secret: str,
    *,
    user_id: str,
    body_id: UUID | None,
    roles: list[str],
    name: str = "",
    ttl_seconds: int = 3600 * 24 * 30,
) -> str:
    now = int(time.time())
    claims = {
        "iss": JWT_ISSUER,
        "sub": user_id,
        "body": str(body_id) if body_id else None,
        "roles": roles,
        "name": name,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


class InvalidToken(Exception):
    pass


def verify_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            issuer=JWT_ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
        body = claims.get("body")
        return Principal(
            user_id=str(claims["sub"]),
            body_id=UUID(body) if body else None,
            roles=frozenset(str(r) for r in claims.get("roles") or ()),
            name=str(claims.get("name") or ""),
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over `<timestamp>.<body>`, hex; used for requests and webhooks alike."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str, timestamp: int, body: bytes, signature: str, *, window_seconds: int = 300
) -> bool:
    if abs(int(time.time()) - timestamp) > window_seconds:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
