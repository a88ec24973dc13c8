"""The agency registry's values and rules, pure: entries, API keys and their format, grace.

An API key reads `gt_<key id>_<secret>`: the key id is public and indexes the stored hash; the
secret carries 256 random bits, so a fast hash is enough (there is nothing to brute-force).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from services.intake.errors import AgencyRejected
from shared.codes import AgencyKind
from shared.credit_code import credit_code_valid

MAX_GRACE_SECONDS = 7 * 24 * 3600


def new_api_key() -> tuple[str, str]:
    """Returns (key_id, plaintext)."""
    key_id = secrets.token_hex(6)
    return key_id, f"gt_{key_id}_{secrets.token_urlsafe(32)}"


def split_api_key(plaintext: str) -> str | None:
    """The key id of something shaped like an API key, else None."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != "gt" or len(parts[1]) != 12:
        return None
    return parts[1]


def hash_secret(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def secret_matches(plaintext: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(plaintext), stored_hash)


def checked_entry(*, credit_code: str, kind: str) -> tuple[str, AgencyKind]:
    """A new entry's credit code (GB 32100 check character) and kind (the code table)."""
    if not credit_code_valid(credit_code):
        raise AgencyRejected(
            "credit_code: not a valid unified social credit code (GB 32100)",
            field="credit_code",
            message="invalid check character or format",
        )
    try:
        return credit_code, AgencyKind(kind)
    except ValueError:
        accepted = ", ".join(k.value for k in AgencyKind)
        raise AgencyRejected(
            f"kind: {kind!r} is not a kind of partner agency",
            field="kind",
            message=f"one of {accepted}",
        ) from None


def known_kind(kind: str) -> AgencyKind | None:
    """A stored kind as the code table reads it; entries made before it was enforced: None."""
    try:
        return AgencyKind(kind)
    except ValueError:
        return None


def grace_deadline(now: datetime, grace_seconds: int, *, revoked_at: datetime | None) -> datetime:
    """When a rotated key stops: after the grace asked for (capped), never later than an
    earlier rotation already set."""
    expires = now + timedelta(seconds=max(0, min(grace_seconds, MAX_GRACE_SECONDS)))
    return min(expires, revoked_at) if revoked_at is not None else expires


def audit_target(agency_id: UUID) -> str:
    return f"agency:{agency_id}"


@dataclass(frozen=True)
class IssuedKey:
    agency_id: UUID
    key_id: str
    api_key: str


@dataclass(frozen=True)
class RotatedKey:
    issued: IssuedKey
    old_key_id: str
    old_key_expires_at: datetime


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    label: str
    created_at: datetime
    revoked_at: datetime | None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None or self.revoked_at > now


@dataclass(frozen=True)
class AgencyInfo:
    id: UUID
    credit_code: str
    name: str
    kind: str
    active: bool
    require_signature: bool
    created_at: datetime
    keys: tuple[KeyInfo, ...] = ()


@dataclass(frozen=True)
class Credential:
    """What authenticating one API key needs; kept briefly in the app's KeyCache."""

    agency_id: UUID
    agency_name: str
    key_hash: str
    require_signature: bool = False
    signing_key_id: str | None = None
    signing_secret: bytes | None = None
    # The end of a rotated key's grace period: a cached credential stops then too.
    expires_at: datetime | None = None
    agency_kind: str = ""

    def usable(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at
